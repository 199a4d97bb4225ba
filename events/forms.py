"""The proposal form, one Django form per section, each saved on its own."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.choices import read_choices_at_once
from meetandcode.kernel.formatting import format_money
from programmes.models import CountryProgramme

from . import questions
from .eligibility import LIMIT_FIELDS
from .geo import venue_map_options
from .models import CostCategory, Proposal

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def limit_help(programme: CountryProgramme) -> dict[str, str]:
    """Field (or "budget") -> the edition's or the country's limit on it, in a sentence."""
    edition, country = programme.edition, programme.country.name
    window = gettext("Events of this edition take place between %(start)s and %(end)s.") % {
        "start": date_format(edition.event_start, "DATE_FORMAT"),
        "end": date_format(edition.event_end, "DATE_FORMAT"),
    }
    ages = gettext("This edition is for young people aged %(min)s to %(max)s.") % {
        "min": edition.min_age,
        "max": edition.max_age,
    }
    participants = gettext("%(country)s asks for at least %(min)s participants.")
    duration = gettext("%(country)s asks for at least %(min)s minutes.")
    grant = gettext("%(country)s grants at most %(max)s per event.")
    maximum = format_money(programme.max_grant, programme.currency)
    return {
        "starts_at": window,
        "ends_at": window,
        "age_min": ages,
        "age_max": ages,
        "expected_participants": participants
        % {"country": country, "min": programme.min_participants},
        "duration_minutes": duration % {"country": country, "min": programme.min_duration_minutes},
        "budget": grant % {"country": country, "max": maximum},
    }


class WarnedBoundField(forms.BoundField):
    @property
    def warnings(self) -> list[str]:
        """The limits the saved value breaks (set by the view), shown next to the field."""
        return self.form.warnings.get(self.name, [])

    @property
    def aria_describedby(self):
        # The warning under a field with a limit is read out with it, as its help text is.
        described = super().aria_describedby
        if described is None or self.name not in LIMIT_FIELDS:
            return described
        return f"{described} warning-{self.name}".strip()


class SectionForm(forms.ModelForm):
    """Only field types are checked here; the programme's rules run on submit. Each field with a
    limit (the event window, ages, participants, duration) says it in its help text; the view
    puts the limits the draft breaks in ``warnings``."""

    bound_field_class = WarnedBoundField
    #: the section's key in SECTIONS: the edition's extra questions of that section are added
    section = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: dict[str, list[str]] = {}
        self._add_limits()
        questions.add_fields(self, self.instance, self.section)
        read_choices_at_once(self)
        for field in self.fields.values():
            field.required = False
            widget = field.widget
            choices = forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            if isinstance(widget, choices):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            limit = getattr(field, "max_length", None)
            if limit:
                # The browser stops at the limit too, and the counter shows it while typing.
                widget.attrs["maxlength"] = limit
                widget.attrs["data-counter"] = limit

    def _add_limits(self):
        for name, text in limit_help(self.instance.country_programme).items():
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.help_text = f"{field.help_text} {text}" if field.help_text else text


class EventForm(SectionForm):
    section = "event"

    class Meta:
        model = Proposal
        fields = ["title", "description", "format", "delivery"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "delivery": forms.RadioSelect,
        }
        labels = {"title": _("Name of your event"), "description": _("What will happen")}
        help_texts = {
            "title": _("A short name people will see on the public map."),
            "description": _(
                "What participants will do and learn, who runs it, and what they need to bring."
            ),
            "format": _("Pick the one closest to your event."),
            "delivery": _("Online events need no venue."),
        }

    def clean_delivery(self):
        # A radio with nothing picked keeps the default rather than failing a draft save.
        return self.cleaned_data.get("delivery") or Proposal._meta.get_field("delivery").default


class AudienceForm(SectionForm):
    section = "audience"

    class Meta:
        model = Proposal
        fields = ["age_min", "age_max", "expected_participants", "focus_groups", "languages"]
        widgets = {
            "focus_groups": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
        }
        labels = {
            "age_min": _("Youngest participant (age)"),
            "age_max": _("Oldest participant (age)"),
            "expected_participants": _("How many participants do you expect?"),
        }
        help_texts = {
            "expected_participants": _("Your best estimate."),
            "focus_groups": _("Tick the groups your event especially reaches, if any."),
            "languages": _("The languages the event is held in."),
        }


def _coordinate(label, limit, help_text, error):
    """A latitude or longitude: any precision is typed or clicked, five decimals (1 m) are kept."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        help_text=help_text,
        error_messages={"min_value": error, "max_value": error},
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class PlaceTimeForm(SectionForm):
    section = "place"

    latitude = _coordinate(
        _("Latitude"),
        90,
        _("The venue's position north to south in degrees, e.g. 49.61167. The map fills it in."),
        _("A latitude is a number from -90 to 90; correct it or leave the field empty."),
    )
    longitude = _coordinate(
        _("Longitude"),
        180,
        _("The venue's position east to west in degrees, e.g. 6.12972. The map fills it in."),
        _("A longitude is a number from -180 to 180; correct it or leave the field empty."),
    )

    class Meta:
        model = Proposal
        fields = [
            "starts_at",
            "ends_at",
            "duration_minutes",
            "venue_name",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}
        labels = {
            "starts_at": _("Starts (date and time)"),
            "ends_at": _("Ends (date and time)"),
            "duration_minutes": _("Time spent coding, in minutes"),
            "venue_name": _("Name of the venue"),
            "address": _("Street and number"),
        }
        help_texts = {
            "duration_minutes": _("Without breaks. For a 2-hour workshop with a break, e.g. 100."),
            "venue_name": _("E.g. a school, library or community centre. Leave empty if online."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def venue_map(self) -> dict:
        """Tiles and the country's centre for the map above the coordinates (_venue_map.html)."""
        return venue_map_options(self.instance.country_programme.country.code)

    def _clean_coordinate(self, name):
        value = self.cleaned_data.get(name)
        return None if value is None else value.quantize(Decimal("0.00001"))

    def clean_latitude(self):
        return self._clean_coordinate("latitude")

    def clean_longitude(self):
        return self._clean_coordinate("longitude")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end is before the start; correct one of them."))
        return data


class DeclarationsForm(SectionForm):
    section = "declarations"

    class Meta:
        model = Proposal
        fields = ["free_for_participants", "accepts_conditions"]
        labels = {
            "free_for_participants": _("The event is free for all participants"),
            "accepts_conditions": _("I have read and accept the conditions of participation"),
        }
        help_texts = {
            "free_for_participants": _("No fee, no deposit, no paid material."),
        }


class BudgetLineForm(forms.Form):
    """One line of the budget. An empty line is dropped; a started one needs both essentials.

    A plain form, not a model form: a save replaces all lines of the draft, so lines have no ids
    to post back, and a save that overtakes another never refers to lines that are gone.
    """

    category = forms.ChoiceField(
        label=_("Cost category"),
        choices=[("", "---------"), *CostCategory.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label=_("What it pays for"),
        max_length=200,
        required=False,
        help_text=_("E.g. 'Two trainers, two hours each'."),
        widget=forms.TextInput(attrs={"class": "form-control", "data-counter": 200}),
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 0, "step": "0.01"}),
        error_messages={"min_value": _("Enter an amount of zero or more.")},
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(name) not in (None, "") for name in self.fields if name != "DELETE"):
            return data  # an empty line: nothing to keep
        if not data.get("category") and "category" not in self.errors:
            self.add_error("category", _("Choose what this amount is for."))
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount for this line."))
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    """Every line may be left empty. Shown with the stored lines; posted, it replaces them."""

    def __init__(self, data=None, *, proposal: Proposal, prefix="budget"):
        # Posted lines replace the stored ones, so they are not compared with them: a line equal
        # to the stored one must still count as filled, not as an untouched extra line.
        initial = None
        if data is None:
            initial = [
                {"category": line.category, "description": line.description, "amount": line.amount}
                for line in proposal.budget_lines.all()
            ]
        super().__init__(data, initial=initial, prefix=prefix)
        self.proposal = proposal
        self.warnings: dict[str, list[str]] = {}

    @property
    def help_text(self) -> str:
        """The country's maximum grant, shown with the requested amount."""
        return limit_help(self.proposal.country_programme)["budget"]

    def get_form_kwargs(self, index):
        return {"empty_permitted": True}


BudgetFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=BaseBudgetFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)

SECTIONS = {
    "event": (_("The event"), EventForm),
    "audience": (_("Who it is for"), AudienceForm),
    "place": (_("Where and when"), PlaceTimeForm),
    "budget": (_("Budget"), BudgetFormSet),
    "declarations": (_("Declarations"), DeclarationsForm),
}

# Where each field (or eligibility key) lives, for links from the summary to the form.
FIELD_SECTION = {
    name: key
    for key, (_title, form) in SECTIONS.items()
    if key != "budget"
    for name in form._meta.fields
} | {"budget": "budget"}


def section_form(key: str, proposal: Proposal, data=None, files=None):
    """A bound or unbound form (or the budget formset) for one section; ``files`` for its file
    questions."""
    form_class = SECTIONS[key][1]
    if key == "budget":
        return form_class(data, proposal=proposal)
    return form_class(data, files, instance=proposal, prefix=key)


def budget_lines_from(formset) -> list[dict]:
    """The kept, filled lines of a valid budget formset."""
    return [
        {name: form.cleaned_data[name] for name in ("category", "description", "amount")}
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("amount") is not None
        and form.cleaned_data.get("category")
    ]
