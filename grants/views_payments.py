"""Payments: the partner's payments view with its filters and exports, recording a payment, and
the organisation's donation receipt (upload and the permission-checked download).

The partner's pages are in the ``grants`` namespace under /partner/; the organisation's upload
and the receipt's download are in the ``letters`` namespace (grants/urls_letters.py) with the
award letter, under /my/grants/.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.permissions import get_partner_proposal_for, visible_proposals
from events.uploads import FileRefused
from meetandcode.kernel.exceptions import AmountNotAllowed, DomainError
from organisations.permissions import may, partner_required, second_factor_redirect
from organisations.privacy import log_staff_read

from . import payments
from .exports import CHUNK, table_csv_response, table_xlsx_response
from .filters import PaymentFilter
from .forms import PaymentForm, ReceiptForm
from .models import Grant
from .selectors import grants_for

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> PaymentFilter:
    return PaymentFilter(request.GET or None, queryset=grants_for(request.user), request=request)


@require_GET
@partner_required
def payments_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    grants = filterset.qs
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for grant in page.object_list:
        state = payments.payment_state(grant)
        rows.append((grant, state, payments.STATE_LABELS[state]))
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "total": page.paginator.count,
    }
    return render(request, "grants/payments.html", context)


# --- Exports: the same columns as CSV and XLSX, streamed -------------------------------------


def export_columns() -> list[str]:
    return [
        _("Grant"),
        _("Organisation"),
        _("IBAN"),
        _("Event"),
        _("Country"),
        _("Edition"),
        _("Approved"),
        _("Grant amount"),
        _("Currency"),
        _("Paid"),
        _("Payment"),
        _("Paid on"),
        _("Amount paid"),
        _("Payment reference"),
        _("Donation receipt"),
    ]


def export_rows(grants) -> Iterator[list]:
    for grant in grants.iterator(chunk_size=CHUNK):
        proposal = grant.proposal
        programme = grant.country_programme
        if not programme.donation_receipt_required:
            receipt = _("not required")
        else:
            receipt = _("uploaded") if grant.donation_receipt else _("missing")
        yield [
            grant.reference,
            proposal.organisation.name,
            proposal.organisation.iban,
            proposal.title,
            programme.country.code,
            programme.edition.code,
            timezone.localdate(grant.approved_at),
            grant.amount,
            grant.currency,
            programme.get_payment_timing_display(),
            str(payments.STATE_LABELS[payments.payment_state(grant)]),
            grant.paid_on,
            grant.paid_amount,
            grant.payment_reference,
            receipt,
        ]


def _filename(extension: str) -> str:
    return f"payments-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@partner_required
def payments_csv(request: HttpRequest) -> HttpResponse:
    grants = _filtered(request).qs
    return table_csv_response(_filename("csv"), export_columns(), export_rows(grants))


@require_GET
@partner_required
def payments_xlsx(request: HttpRequest) -> HttpResponse:
    grants = _filtered(request).qs
    return table_xlsx_response(
        _filename("xlsx"), export_columns(), export_rows(grants), sheet=_("Payments")
    )


# --- Recording a payment -----------------------------------------------------------------------


def _grant_of(proposal) -> Grant | None:
    return Grant.objects.select_related("country_programme").filter(proposal=proposal).first()


@partner_required
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the grant's payment (and, for a manager, the form). POST: record the payment."""
    proposal = get_partner_proposal_for(request.user, pk)
    grant = _grant_of(proposal)
    programme = grant.country_programme if grant else None
    can_record = grant is not None and may(request.user, "programme.decide", programme)
    form = None
    status = 200
    if grant is not None and grant.payment_status == Grant.PaymentStatus.UNPAID:
        initial = {"amount": grant.amount, "paid_on": timezone.localdate()}
        form = PaymentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if grant is None:
            messages.error(request, _("This proposal has no grant to pay."))
            return redirect("grants:proposal", pk=proposal.pk)
        if not can_record:
            raise PermissionDenied(_("Only a manager of the national partner may record it."))
        if form is None:
            messages.error(request, _("This grant is already paid."))
            return redirect("grants:payment", pk=proposal.pk)
        if form.is_valid():
            done = _record(request, grant, form)
            if done:
                return redirect("grants:payment", pk=proposal.pk)
        status = 400
    state = payments.payment_state(grant) if grant else None
    context = {
        "proposal": proposal,
        "grant": grant,
        "form": form,
        "can_record": can_record,
        "state": state,
        "state_label": payments.STATE_LABELS.get(state, ""),
    }
    return render(request, "grants/payment.html", context, status=status)


def _record(request: HttpRequest, grant: Grant, form: PaymentForm) -> bool:
    data = form.cleaned_data
    try:
        payments.record_payment(
            grant,
            actor=request.user,
            paid_on=data["paid_on"],
            amount=data["amount"],
            reference=data["reference"],
        )
    except AmountNotAllowed as error:
        form.add_error("amount", str(error))
    except payments.PaymentRefused as error:
        form.add_error(error.field, str(error))
    else:
        messages.success(request, _("The payment is recorded; the organisation is told."))
        return True
    return False


# --- The donation receipt ----------------------------------------------------------------------


@login_required
@require_POST
def upload_receipt(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The organisation's members upload the donation receipt; 404 for anyone else."""
    grant = get_object_or_404(
        Grant.objects.select_related("proposal", "country_programme"), pk=grant_id
    )
    if not may(request.user, "proposal.act", grant.proposal):
        raise Http404
    form = ReceiptForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the donation receipt's file first."))
        return redirect("events:detail", pk=grant.proposal_id)
    try:
        payments.upload_donation_receipt(
            grant, actor=request.user, upload=form.cleaned_data["receipt"]
        )
    except (FileRefused, DomainError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: the donation receipt is uploaded."))
    return redirect("events:detail", pk=grant.proposal_id)


@require_GET
@login_required
def download_receipt(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The donation receipt as an attachment, for the organisation's members, its national
    partner's staff (with their second factor) and programme staff; 404 for others."""
    grant = get_object_or_404(
        Grant.objects.select_related("proposal", "country_programme"), pk=grant_id
    )
    if not grant.donation_receipt:
        raise Http404
    if may(request.user, "proposal.act", grant.proposal):
        return _attachment(grant)
    if not may(request.user, "partner_pages.open"):
        raise Http404
    return second_factor_redirect(request) or _staff_download(request, grant)


def _staff_download(request: HttpRequest, grant: Grant) -> FileResponse:
    """Partner staff of the grant's country (or programme staff): logged as a staff read."""
    if not visible_proposals(request.user).filter(pk=grant.proposal_id).exists():
        raise Http404
    log_staff_read(request, grant)
    return _attachment(grant)


def _attachment(grant: Grant) -> FileResponse:
    extension = grant.donation_receipt.name.rsplit(".", 1)[-1]
    response = FileResponse(
        grant.donation_receipt.open("rb"),
        as_attachment=True,
        filename=f"donation-receipt-{grant.reference}.{extension}",
        content_type=grant.donation_receipt_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
