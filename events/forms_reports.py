"""The report form (one form, saved as it is typed) and the upload form for its files."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.formatting import format_money
from programmes.models import Question

from . import questions
from .models import BudgetLine, Report, ReportFile
from .reports import AGE_BANDS, FOCUS_GROUPS, GENDERS, LABELS

CONTROL = "form-control"
NUMBER_ATTRS = {"min": 0, "inputmode": "numeric", "class": CONTROL}
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ReportForm(forms.ModelForm):
    """Only types are checked here (whole numbers, not negative): a draft may be incomplete and
    need not add up. The sums are checked on submit (events.reports.check_report)."""

    only_possible_thanks_to_grant = forms.ChoiceField(
        label=_("Was the event only possible thanks to the grant?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Without the grant, would the event not have taken place?"),
    )

    class Meta:
        model = Report
        fields = [
            "participants_total",
            *AGE_BANDS,
            *GENDERS,
            *FOCUS_GROUPS,
            "first_contact_with_coding",
            "only_possible_thanks_to_grant",
            "went_well",
            "went_badly",
        ]
        labels = {
            "participants_total": _("Participants in total"),
            "age_under_8": _("Under 8"),
            "age_8_12": _("8 to 12"),
            "age_13_16": _("13 to 16"),
            "age_17_24": _("17 to 24"),
            "age_over_24": _("Over 24"),
            "gender_female": _("Girls and women"),
            "gender_male": _("Boys and men"),
            "gender_other": _("Another gender or not stated"),
            "went_well": _("What went well?"),
            "went_badly": _("What did not go well, and what would you change?"),
            **LABELS,
        }
        help_texts = {
            "participants_total": _("Everyone who took part, not counting trainers and helpers."),
            "first_contact_with_coding": _("How many wrote code (or programmed a robot) for the "
                                           "first time at your event; your best estimate."),
        }  # fmt: skip
        widgets = {
            "went_well": forms.Textarea(attrs={"rows": 3}),
            "went_badly": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args, lines: list[BudgetLine] = (), currency: str = "", proposal=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update(NUMBER_ATTRS)
                field.error_messages["min_value"] = _("Enter 0 or more.")
                field.error_messages["invalid"] = _("Enter a whole number, e.g. 12.")
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("class", "form-control")
                field.widget.attrs.update({"maxlength": 3000, "data-counter": 3000})
                field.max_length = 3000
                field.validators.append(MaxLengthValidator(3000))
            elif isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", "form-check-input")
        answer = self.instance.only_possible_thanks_to_grant
        self.initial["only_possible_thanks_to_grant"] = {True: "yes", False: "no"}.get(answer, "")
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"actual_{line.pk}"] = forms.DecimalField(
                label=f"{line.get_category_display()}: {line.description}".rstrip(": "),
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=line.actual_amount,
                help_text=_("Planned: %(money)s.") % {"money": format_money(line.amount, currency)},
                error_messages={
                    "min_value": _("Enter 0 or more."),
                    "invalid": _("Enter an amount, e.g. 120.50."),
                },
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": 0, "inputmode": "decimal", "class": CONTROL}
                ),
            )

        if proposal is not None:  # the edition's report questions (programmes.Question)
            self._add_questions(proposal)

    def _add_questions(self, proposal) -> None:
        before = set(self.fields)
        questions.add_fields(self, proposal, Question.Section.REPORT, Question.Form.REPORT)
        for name in set(self.fields) - before:
            widget = self.fields[name].widget
            choices = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            widget.attrs.setdefault("class", "form-check-input" if choices else CONTROL)

    def clean_only_possible_thanks_to_grant(self):
        answer = self.cleaned_data.get("only_possible_thanks_to_grant")
        return {"yes": True, "no": False}.get(answer)

    def report_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}

    def answers(self) -> dict[int, object]:
        """The answers to the report questions, by question id."""
        return questions.split(self.cleaned_data)[1]

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith(questions.PREFIX)]

    def actual_costs(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"actual_{line.pk}") for line in self.lines}

    # Groups of fields, for the template.
    def _bound(self, names):
        return [self[name] for name in names]

    def age_fields(self):
        return self._bound(AGE_BANDS)

    def gender_fields(self):
        return self._bound(GENDERS)

    def cost_fields(self):
        return [self[f"actual_{line.pk}"] for line in self.lines]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one go (Django's documented way); each is checked by events.uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you uploading?"),
        choices=ReportFile.Kind.choices,
        widget=forms.RadioSelect,
        initial=ReportFile.Kind.PHOTO,
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Photos: JPEG, PNG or WebP. Receipts: PDF or an image. Up to 10 MB each, "
                    "at most 20 photos and 20 receipts. Photos are stored without their "
                    "location and camera data."),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("Everyone shown in these photos agreed to them being used (for children: their "
                "parents or guardians)."),
        required=False,
    )  # fmt: skip
    public = forms.BooleanField(
        label=_("These photos may be shown on the public event page."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(
            {"class": CONTROL, "accept": ".pdf,.jpg,.jpeg,.png,.webp,image/*,application/pdf"}
        )
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        for name in ("consent", "public"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportFile.Kind.PHOTO and not data.get("consent"):
            self.add_error(
                "consent",
                _("Tick this to confirm that everyone shown agreed; without it photos cannot be "
                  "uploaded."),
            )  # fmt: skip
        if not data.get("files") and "files" not in self.errors:
            self.add_error("files", _("Choose a file to upload."))
        return data
