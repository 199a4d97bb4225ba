"""Payments: the partner's payments view with its filters and exports, recording a payment, and
the organisation's donation receipt (upload and the permission-checked download).

The partner's pages are in the ``grants`` namespace under /partner/; the organisation's upload
and the receipt's download are in the ``letters`` namespace (grants/urls_letters.py) with the
award letter, under /my/grants/.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries as all_countries
from openpyxl import Workbook

from events.uploads import FileRefused
from meetandcode.exceptions import AmountNotAllowed, DomainError
from organisations.models import PartnerStaff
from organisations.privacy import log_staff_read

from . import payments
from .access import (
    get_proposal_for,
    partner_required,
    scope_of,
    visible_programmes,
    visible_proposals,
)
from .exports import _csv_value, _Echo, _text
from .filters import visible_countries
from .models import Edition, Grant
from .services import staff_role

PAGE_SIZE = 50
CHUNK = 2000

STATUS_FILTER_CHOICES = [
    ("unpaid", gettext_lazy("Not paid yet")),
    ("payable", gettext_lazy("Ready to be paid")),
    ("paid", gettext_lazy("Paid")),
]


# --- The payments view's filters ------------------------------------------------------------


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        help_text=gettext_lazy("Grant or payment reference, event title or organisation."),
    )
    country = django_filters.ChoiceFilter(
        label=gettext_lazy("Country"),
        field_name="country_programme__country",
        choices=[],
        empty_label=gettext_lazy("All my countries"),
    )
    edition = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Edition"),
        field_name="country_programme__edition",
        to_field_name="year",
        queryset=Edition.objects.all(),
        empty_label=gettext_lazy("All editions"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Payment"),
        choices=STATUS_FILTER_CHOICES,
        method="by_status",
        empty_label=gettext_lazy("Any"),
    )
    paid_from = django_filters.DateFilter(
        label=gettext_lazy("Paid from"),
        field_name="paid_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    paid_to = django_filters.DateFilter(
        label=gettext_lazy("Paid until"),
        field_name="paid_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Grant
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        codes = visible_countries(request.user)
        self.filters["country"].extra["choices"] = [
            (code, all_countries.name(code) or code) for code in codes
        ]
        self.form.fields["edition"].label_from_instance = lambda edition: edition.name
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(payment_reference__icontains=word)
                | Q(proposal__title__icontains=word)
                | Q(proposal__organisation__name__icontains=word)
            )
        return queryset

    def by_status(self, queryset, name, value):
        if value == "paid":
            return queryset.filter(payment_status=Grant.PaymentStatus.PAID)
        unpaid = queryset.filter(payment_status=Grant.PaymentStatus.UNPAID)
        if value == "payable":
            return unpaid.filter(payable=True)
        return unpaid.filter(status=Grant.Status.ACTIVE)


def grants_for(user):
    """The grants of the person's countries, with what the list and the exports show."""
    grants = Grant.objects.filter(country_programme__in=visible_programmes(user))
    grants = payments.with_payable(grants).select_related(
        "proposal__organisation", "proposal__report", "country_programme__edition"
    )
    return grants.order_by("-approved_at", "-pk")


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
            _text(proposal.organisation.name),
            proposal.organisation.iban,
            _text(proposal.title),
            programme.country.code,
            programme.edition.code,
            timezone.localdate(grant.approved_at),
            grant.amount,
            grant.currency,
            programme.get_payment_timing_display(),
            str(payments.STATE_LABELS[payments.payment_state(grant)]),
            grant.paid_on,
            grant.paid_amount,
            _text(grant.payment_reference),
            receipt,
        ]


def _value(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return _csv_value(value)


def table_csv_response(header: list, rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """A CSV file streamed row by row (with a byte order mark, so spreadsheets read UTF-8)."""

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_xlsx_response(header: list, rows: Iterable[list], filename: str, sheet: str):
    """An XLSX file written in openpyxl's write-only mode (one row in memory), then streamed."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _filename(extension: str) -> str:
    return f"payments-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@partner_required
def payments_csv(request: HttpRequest) -> HttpResponse:
    grants = _filtered(request).qs
    return table_csv_response(export_columns(), export_rows(grants), _filename("csv"))


@require_GET
@partner_required
def payments_xlsx(request: HttpRequest) -> HttpResponse:
    grants = _filtered(request).qs
    return table_xlsx_response(
        export_columns(), export_rows(grants), _filename("xlsx"), _("Payments")
    )


# --- Recording a payment -----------------------------------------------------------------------


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        help_text=gettext_lazy("The date the bank transfer was made."),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount paid"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
        help_text=gettext_lazy("At most the grant's amount."),
    )
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("As your bank shows it, so your bookkeeping can find the payment."),
    )


def _grant_of(proposal) -> Grant | None:
    return Grant.objects.select_related("country_programme").filter(proposal=proposal).first()


@partner_required
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the grant's payment (and, for a manager, the form). POST: record the payment."""
    proposal = get_proposal_for(request.user, pk)
    grant = _grant_of(proposal)
    manager = PartnerStaff.Role.MANAGER
    can_record = grant is not None and staff_role(request.user, grant.country_programme) == manager
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


class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label=gettext_lazy("Donation receipt"),
        help_text=gettext_lazy("A PDF, or a photo or scan (JPEG, PNG or WebP), up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": "application/pdf,image/jpeg,image/png,image/webp",
            }
        ),
    )


@login_required
@require_POST
def upload_receipt(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The organisation's members upload the donation receipt; 404 for anyone else."""
    grant = get_object_or_404(
        Grant.objects.select_related("proposal", "country_programme"), pk=grant_id
    )
    if not payments.is_member(request.user, grant):
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
    if payments.is_member(request.user, grant):
        return _attachment(grant)
    if not scope_of(request.user).any:
        raise Http404
    return _partner_download(request, grant=grant)


@partner_required
def _partner_download(request: HttpRequest, *, grant: Grant) -> HttpResponse:
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
    response["Cache-Control"] = "private, no-store"
    return response
