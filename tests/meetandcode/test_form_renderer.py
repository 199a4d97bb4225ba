"""The site's form renderer writes the HTML Django's widget templates write, to the character
(meetandcode/kernel/form_renderer.py): widget by widget, and on whole pages."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from events.models import Proposal
from meetandcode.kernel.form_renderer import FormRenderer
from tests.factories import (
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    log_in_with_second_factor,
)

TODAY = date.today()
CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <tags>'),
    (3, Decimal("1.5")),
    ("lazy", gettext_lazy("Events")),
    ("Group <1>", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))]),
]
WIDGETS = [
    forms.TextInput(),
    forms.EmailInput(),
    forms.NumberInput(attrs={"step": "0.01", "min": 0}),
    forms.DateInput(attrs={"type": "date"}),
    forms.HiddenInput(),
    forms.PasswordInput(render_value=True),
    forms.Textarea(attrs={"rows": 3}),
    forms.CheckboxInput(),
    forms.Select(choices=CHOICES),
    forms.SelectMultiple(choices=CHOICES),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=CHOICES),
    forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"class": "list-unstyled"}),
    forms.SelectDateWidget(years=[TODAY.year - 1, TODAY.year]),
    forms.ClearableFileInput(),
]
VALUES = [None, "", "a", "b&c", 3, ["a", "g2"], True, False, Decimal("1.5"),
          TODAY.replace(month=2, day=3), mark_safe("<i>kept</i>"), 'x"y<z>']  # fmt: skip
ATTRS = [{}, {"id": "id_f", "required": True, "disabled": False, "aria-describedby": "h<1>"}]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_every_widget_is_written_as_its_template_writes_it(widget, language):
    django, ours = DjangoTemplates(), FormRenderer()
    with translation.override(language):
        for value in VALUES:
            for attrs in ATTRS:
                try:
                    expected = widget.render("f", value, attrs=attrs, renderer=django)
                except TypeError as error:  # a value the widget cannot take (a list for a boolean)
                    with pytest.raises(type(error)):
                        widget.render("f", value, attrs=attrs, renderer=ours)
                    continue
                assert widget.render("f", value, attrs=attrs, renderer=ours) == expected


def _same_page(client, url: str, settings) -> None:
    """The page is the same HTML with Django's renderer, but for per-request tokens."""

    def page() -> str:
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        return re.sub(r'"[A-Za-z0-9+/=_-]{16,}"', '"TOKEN"', text)  # CSRF tokens, CSP nonces

    ours = page()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    assert page() == ours
    assert "<select" in ours or "<input" in ours


@pytest.mark.django_db
def test_the_proposal_form_is_the_same_page(client, settings):
    membership = MembershipFactory()
    proposal = ProposalFactory(organisation=membership.organisation, status=Proposal.Status.DRAFT)
    client.force_login(membership.user)
    _same_page(client, reverse("events:edit", args=[proposal.pk]), settings)


@pytest.mark.django_db
def test_the_review_queue_is_the_same_page(client, settings):
    proposal = ProposalFactory(status=Proposal.Status.SUBMITTED)
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    log_in_with_second_factor(client, manager)
    _same_page(client, reverse("grants:dashboard"), settings)
    _same_page(client, reverse("grants:proposal", args=[proposal.pk]), settings)


@pytest.mark.django_db
def test_model_choices_read_at_once_are_the_same_choices_in_one_query(
    django_assert_num_queries,
):
    """meetandcode/kernel/choices.py: one plain query (no server-side cursor), the same HTML."""
    from events.models import FocusGroup
    from meetandcode.kernel.choices import read_choices_at_once
    from tests.factories import FocusGroupFactory

    FocusGroupFactory.create_batch(3)

    class Chosen(forms.Form):
        groups = forms.ModelMultipleChoiceField(
            FocusGroup.objects.all(), widget=forms.CheckboxSelectMultiple
        )
        one = forms.ModelChoiceField(FocusGroup.objects.all(), to_field_name="code")

    django_way, ours = Chosen(), Chosen()
    read_choices_at_once(ours)
    expected = {name: str(django_way[name]) for name in ("groups", "one")}
    for name in ("groups", "one"):
        with django_assert_num_queries(1) as captured:
            assert str(ours[name]) == expected[name]
        assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")
    assert expected["one"].count("<option") == FocusGroup.objects.count() + 1
