"""Forms of the partner dashboard: reviews, comments, decisions, tokens, validation, payments."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.exceptions import DomainError
from meetandcode.kernel.formatting import format_money
from meetandcode.kernel.widgets import DateInput

from .services import REJECTION_REASONS, rejection_reason

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def score_field_name(criterion) -> str:
    return f"score_{criterion.pk}"


class ReviewForm(forms.Form):
    """A score from 1 (weak) to 5 (excellent) per criterion of the edition, and a comment."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What convinced you, or what is missing. Only partner staff read it."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            fields[score_field_name(criterion)] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": _("Choose a score from 1 to 5."),
                    "invalid_choice": _("Choose a score from 1 to 5."),
                },
            )
        self.fields = {**fields, "comment": self.fields["comment"]}

    def score_fields(self):
        return [self[score_field_name(c)] for c in self.criteria]

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[score_field_name(c)] for c in self.criteria}

    def add_service_errors(self, errors: dict) -> None:
        """Put the service's per-criterion messages next to their radio buttons."""
        for criterion_id, message in errors.items():
            name = f"score_{criterion_id}"
            self.add_error(name if name in self.fields else None, message)


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=500,
        help_text=_("E.g. you work for or with this organisation."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment first.")},
    )
    to_applicant = forms.TypedChoiceField(
        label=_("Who sees it"),
        choices=[
            ("no", _("Internal: partner staff only")),
            ("yes", _("Sent to the applicant")),
        ],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        help_text=_("The applicant sees comments sent to them on their proposal's page."),
    )


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What should the applicant change?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposal goes back to the applicant with this message."),
        error_messages={"required": _("Say what the applicant should change.")},
    )


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Grant amount"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("At most the requested amount and the country's maximum grant."),
        error_messages={"required": _("Enter the amount to grant.")},
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        programme = proposal.country_programme
        self.fields["amount"].initial = proposal.requested_amount
        self.fields["amount"].help_text = _(
            "Requested: %(requested)s. Country maximum: %(max)s. Budget remaining: %(remaining)s."
        ) % {
            "requested": format_money(proposal.requested_amount, programme.currency),
            "max": format_money(programme.max_grant, programme.currency),
            "remaining": format_money(programme.remaining, programme.currency),
        }

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        programme = self.proposal.country_programme
        if amount > self.proposal.requested_amount:
            raise forms.ValidationError(
                _("At most the requested amount, %(requested)s."),
                params={
                    "requested": format_money(self.proposal.requested_amount, programme.currency)
                },
            )
        if amount > programme.max_grant:
            raise forms.ValidationError(
                _("At most the country's maximum grant, %(max)s."),
                params={"max": format_money(programme.max_grant, programme.currency)},
            )
        return amount


class RejectionReasonMixin(forms.Form):
    reason_template = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *REJECTION_REASONS],
        help_text=_("The applicant receives this sentence, followed by your text."),
        error_messages={"required": _("Choose a reason.")},
    )
    reason_text = forms.CharField(
        label=_("In your own words"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “Other reason”; optional otherwise."),
    )

    def clean(self):
        data = super().clean()
        template = data.get("reason_template")
        if template:
            try:
                data["reason"] = rejection_reason(template, data.get("reason_text", ""))
            except DomainError as error:
                self.add_error("reason_text", str(error))
        return data


class RejectForm(RejectionReasonMixin):
    pass


class CancelGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the grant cancelled?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant reads it; the amount goes back to the country budget."),
        error_messages={"required": _("Say why the grant is cancelled.")},
    )


class BulkDecisionForm(RejectionReasonMixin):
    """Selected proposals of the queue, approved at their requested amounts or all rejected."""

    proposals = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Proposals"),
        error_messages={"required": _("Select at least one proposal in the queue.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals
        self.fields["reason_template"].required = False

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason_template"):
            self.add_error("reason_template", _("Choose a reason for the rejection."))
        return data


class TokenForm(forms.Form):
    country_programme = forms.ModelChoiceField(
        queryset=None, label=_("Edition and country"), empty_label=None
    )
    count = forms.IntegerField(
        label=_("How many codes"),
        min_value=1,
        max_value=500,
        initial=1,
        help_text=_("One code per organisation; each works once."),
    )
    email = forms.EmailField(
        label=_("Send them to (optional)"),
        required=False,
        help_text=_("The codes are also shown on the next page, once."),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_programme"].queryset = programmes


class RefuseValidationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the organisation refused?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant reads it and can correct the details."),
        error_messages={"required": _("Say why; the applicant will read it.")},
    )


class PaymentForm(forms.Form):
    """A manager records the bank transfer of a grant."""

    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=DateInput(attrs={"class": "form-control"}),
        help_text=_("The date the bank transfer was made."),
    )
    amount = forms.DecimalField(
        label=_("Amount paid"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
        help_text=_("At most the grant's amount."),
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("As your bank shows it, so your bookkeeping can find the payment."),
    )


class ReceiptForm(forms.Form):
    """The organisation uploads its donation receipt."""

    receipt = forms.FileField(
        label=_("Donation receipt"),
        help_text=_("A PDF, or a photo or scan (JPEG, PNG or WebP), up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": "application/pdf,image/jpeg,image/png,image/webp",
            }
        ),
    )


class SignalCheckForm(forms.Form):
    """A reviewer found an integrity signal fine: what they checked (grants.integrity)."""

    note = forms.CharField(
        label=_("What you checked"),
        min_length=3,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the proposal's history, for the other reviewers."),
    )
