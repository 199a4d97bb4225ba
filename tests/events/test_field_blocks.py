"""``{% field_block %}`` writes what templates/events/_field.html wrote as a template, to the
character: every field of the proposal form's sections and of the report form, empty, filled,
with errors and with warnings, in two languages (events/templatetags/field_blocks.py)."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from events.forms import section_form
from events.forms_reports import ReportForm
from events.models import Proposal
from events.templatetags.field_blocks import field_block
from tests.factories import MembershipFactory, ProposalFactory, ReportFactory

# templates/events/_field.html as it was when it was a template (the reference).
REFERENCE = Template((Path(__file__).parent / "field_reference.html").read_text())


def _same(form, no_anchor=False) -> int:
    compared = 0
    for field in form:
        context = Context({"field": field, "no_anchor": no_anchor})
        assert field_block(field, no_anchor) == REFERENCE.render(context), field.name
        compared += 1
    return compared


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_field_of_both_forms_is_written_as_the_template_wrote_it(language):
    membership = MembershipFactory()
    proposal = ProposalFactory(organisation=membership.organisation, status=Proposal.Status.DRAFT)
    compared = 0
    with translation.override(language):
        for key in ("event", "audience", "place", "declarations"):
            empty = section_form(key, proposal)
            compared += _same(empty) + _same(empty, no_anchor=True)
            wrong = section_form(key, proposal, data={"title": "x" * 500, "age_min": "abc"})
            wrong.is_valid()
            wrong.warnings = {field.name: ["A limit <b>broken</b>"] for field in wrong}
            compared += _same(wrong)
        report = ReportForm(instance=ReportFactory(proposal=proposal), proposal=proposal)
        compared += _same(report)
        sent = ReportForm({"participants_total": "-1"}, proposal=proposal)
        sent.is_valid()
        compared += _same(sent)
    assert compared > 60
