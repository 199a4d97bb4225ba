"""The proposal form, one Django form per section, each saved on its own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BudgetLine, Proposal

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SectionForm(forms.ModelForm):
    """Only field types are checked here; the programme's rules run on submit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class EventForm(SectionForm):
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
            "age_min": _("The programme is for young people aged 8 to 24."),
            "age_max": _("The programme is for young people aged 8 to 24."),
            "expected_participants": _("Your best estimate; the country sets a minimum."),
            "focus_groups": _("Tick the groups your event especially reaches, if any."),
            "languages": _("The languages the event is held in."),
        }


class PlaceTimeForm(SectionForm):
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

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end is before the start; correct one of them."))
        return data


class DeclarationsForm(SectionForm):
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


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        widgets = {
            "category": forms.Select(attrs={"class": "form-select"}),
            "description": forms.TextInput(
                attrs={"class": "form-control", "maxlength": 200, "data-counter": 200}
            ),
            "amount": forms.NumberInput(attrs={"class": "form-control", "min": 0, "step": "0.01"}),
        }
        help_texts = {"description": _("E.g. 'Two trainers, two hours each'.")}

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Enter an amount of zero or more."))
        return amount


BudgetFormSet = forms.inlineformset_factory(
    Proposal, BudgetLine, form=BudgetLineForm, extra=1, can_delete=True
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


def section_form(key: str, proposal: Proposal, data=None):
    """A bound or unbound form (or the budget formset) for one section."""
    form_class = SECTIONS[key][1]
    if key == "budget":
        return form_class(data, instance=proposal, prefix="budget")
    return form_class(data, instance=proposal, prefix=key)


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
