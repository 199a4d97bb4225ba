"""Payments of grants, and the organisation's donation receipt.

When a grant may be paid depends on its country programme's payment timing: on approval (before
the event), or once the national partner accepted the event's report. A manager of the country
records the payment (date, amount, bank reference); the organisation's members are told. Where the
country asks for one, the organisation uploads a donation receipt (a PDF or an image, checked by
its content), stored privately and served only through a permission-checked view.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Proposal, Report
from events.uploads import FileRefused, clean_receipt, display_name
from meetandcode.kernel.exceptions import AmountNotAllowed, DomainError
from meetandcode.kernel.formatting import format_money
from organisations import audit
from organisations.audit import Action
from organisations.notifications import notify_proposal
from organisations.permissions import may, require
from programmes.models import CountryProgramme

from .models import Grant

# What a grant's payment looks like to people: the payments view's status filter and column.
PAID, PAYABLE, WAITING, CANCELLED = "paid", "payable", "waiting", "cancelled"
STATE_LABELS = {
    PAID: gettext_lazy("Paid"),
    PAYABLE: gettext_lazy("Ready to be paid"),
    WAITING: gettext_lazy("Waiting for the accepted report"),
    CANCELLED: gettext_lazy("Cancelled"),
}


class PaymentRefused(DomainError):
    """The payment cannot be recorded; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def payable_q(prefix: str = "") -> Q:
    """Grants that may be paid now: active, still approved, and either paid before the event or
    with an accepted report. ``prefix`` reaches the grant from another model."""
    timing = CountryProgramme.PaymentTiming
    return Q(
        **{
            f"{prefix}status": Grant.Status.ACTIVE,
            f"{prefix}proposal__status": Proposal.Status.APPROVED,
        }
    ) & (
        Q(**{f"{prefix}country_programme__payment_timing": timing.BEFORE_EVENT})
        | Q(**{f"{prefix}proposal__report__status": Report.Status.ACCEPTED})
    )


def with_payable(grants):
    """The grants annotated with ``payable`` (a boolean computed by the database)."""
    return grants.annotate(
        payable=Case(
            When(payable_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def is_payable(grant: Grant) -> bool:
    return Grant.objects.filter(payable_q(), pk=grant.pk).exists()


def payment_state(grant: Grant, payable: bool | None = None) -> str:
    """paid, payable, waiting (for the report) or cancelled."""
    if grant.payment_status == Grant.PaymentStatus.PAID:
        return PAID
    if grant.status == Grant.Status.CANCELLED:
        return CANCELLED
    if payable is None:
        payable = getattr(grant, "payable", None)
    if payable is None:
        payable = is_payable(grant)
    return PAYABLE if payable else WAITING


def record_payment(
    grant: Grant, *, actor, paid_on: dt.date, amount: Decimal, reference: str
) -> Grant:
    """Record that the grant was paid: on this date, this amount, with this bank reference.

    Only a manager of the grant's country (or programme staff), only once, only when the grant
    is payable (see ``payable_q``), and never more than the grant. The organisation's members
    are told once the transaction commits.
    """
    require(actor, "programme.decide", grant.country_programme)
    amount = _clean_amount(amount)
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused(
            _("Give the payment's reference, as your bank shows it."), field="reference"
        )
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        _check_payable(locked)
        _check_payment(locked, paid_on=paid_on, amount=amount)
        locked.payment_status = Grant.PaymentStatus.PAID
        locked.paid_on = paid_on
        locked.paid_amount = amount
        locked.payment_reference = reference[:100]
        locked.save(update_fields=["payment_status", "paid_on", "paid_amount", "payment_reference"])
        audit.record(
            locked,
            actor=actor,
            action=Action.GRANT_PAID,
            from_state=Grant.PaymentStatus.UNPAID,
            to_state=Grant.PaymentStatus.PAID,
            data={"paid_on": paid_on.isoformat(), "amount": str(amount), "reference": reference},
        )
        # The outbox rows are written here and sent after commit (organisations.notifications).
        notify_proposal(
            locked.proposal,
            "payment_made",
            amount=amount,
            currency=locked.currency,
            reference=locked.reference,
        )
    return locked


def _clean_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise PaymentRefused(
            _("Give the amount paid as a number, e.g. 450.00."), "amount"
        ) from None
    if not value.is_finite() or value <= 0:
        raise PaymentRefused(_("The amount paid must be more than zero."), field="amount")
    return value.quantize(Decimal("0.01"))


def _check_payable(grant: Grant) -> None:
    if grant.payment_status == Grant.PaymentStatus.PAID:
        raise PaymentRefused(
            _("This grant is already paid (on %(date)s, reference %(reference)s).")
            % {"date": grant.paid_on, "reference": grant.payment_reference}
        )
    if grant.status == Grant.Status.CANCELLED:
        raise PaymentRefused(_("This grant is cancelled: it cannot be paid."))
    if not is_payable(grant):
        raise PaymentRefused(
            _(
                "This country pays after the accepted report, and the report on this event "
                "is not accepted yet."
            )
        )


def _check_payment(grant: Grant, *, paid_on: dt.date, amount: Decimal) -> None:
    if amount > grant.amount:
        raise AmountNotAllowed(
            _("The amount paid (%(amount)s) cannot be more than the grant (%(grant)s).")
            % {
                "amount": format_money(amount, grant.currency),
                "grant": format_money(grant.amount, grant.currency),
            }
        )
    if paid_on is None:
        raise PaymentRefused(_("Give the date of the payment."), field="paid_on")
    if paid_on > timezone.localdate():
        raise PaymentRefused(
            _("The payment date is in the future: record a payment once it is made."),
            field="paid_on",
        )
    approved_on = timezone.localdate(grant.approved_at)
    if paid_on < approved_on:
        raise PaymentRefused(
            _("The payment date is before the grant was approved (%(date)s).")
            % {"date": approved_on},
            field="paid_on",
        )


# --- The donation receipt -----------------------------------------------------------------------


def upload_donation_receipt(grant: Grant, *, actor, upload) -> Grant:
    """Store the organisation's donation receipt for a paid grant (a newer one replaces it).

    The file is judged by its content (PDF or JPEG/PNG/WebP, at most 10 MB; images re-encoded
    without metadata); a refused file raises ``FileRefused`` and nothing is stored.
    """
    if not may(actor, "proposal.act", grant.proposal):
        raise DomainError(_("Only the organisation's members may upload its donation receipt."))
    if not grant.country_programme.donation_receipt_required:
        raise DomainError(_("Your country's programme does not ask for a donation receipt."))
    if grant.payment_status != Grant.PaymentStatus.PAID:
        raise DomainError(_("Upload the donation receipt once the grant is paid."))
    clean = clean_receipt(upload)  # raises FileRefused before anything is stored
    storage = Grant._meta.get_field("donation_receipt").storage
    stored = storage.save(
        f"donation-receipts/{grant.pk}/{clean.server_name()}", ContentFile(clean.content)
    )
    try:
        with transaction.atomic():
            locked = Grant.objects.select_for_update().get(pk=grant.pk)
            old = locked.donation_receipt.name
            locked.donation_receipt.name = stored
            locked.donation_receipt_name = display_name(upload.name)
            locked.donation_receipt_type = clean.content_type
            locked.donation_receipt_uploaded_at = timezone.now()
            locked.save(update_fields=RECEIPT_FIELDS)
            audit.record(
                locked,
                actor=actor,
                action=Action.GRANT_DONATION_RECEIPT,
                from_state=locked.payment_status,
                to_state=locked.payment_status,
                data={"file": locked.donation_receipt_name, "replaced": bool(old)},
            )
            if old:  # the earlier receipt goes once the new one is recorded
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        storage.delete(stored)  # nothing recorded: no file left behind either
        raise
    return locked


RECEIPT_FIELDS = [
    "donation_receipt",
    "donation_receipt_name",
    "donation_receipt_type",
    "donation_receipt_uploaded_at",
]


__all__ = [
    "FileRefused",
    "PaymentRefused",
    "STATE_LABELS",
    "is_payable",
    "payable_q",
    "payment_state",
    "record_payment",
    "upload_donation_receipt",
    "with_payable",
]
