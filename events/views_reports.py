"""The report after the event: the applicant's form and files, the partner's decision, and the
file downloads (private ones checked, public photos for the event page).

Thin views: who may see it (404 otherwise), the form, one service call (events/reports.py), then
a redirect, or the page again with the errors and everything typed (status 400).
"""

import mimetypes
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from events.permissions import managed_proposals
from events.permissions import visible_proposals as partner_proposals
from meetandcode.kernel.exceptions import DomainError
from meetandcode.kernel.replica import replica_reads
from organisations.permissions import manager_required, may, partner_required
from organisations.privacy import log_staff_read

from . import reports, uploads
from .forms_reports import ReportForm, UploadForm
from .models import Answer, BudgetLine, Event, Proposal, Report, ReportFile
from .permissions import get_proposal_for
from .reports import AGE_BANDS, AGE_GROUP, FOCUS_GROUPS, GENDER_GROUP, GENDERS

# Problems shown in a hint under their group or field (live while typing, and on submit).
HINT_KEYS = (AGE_GROUP, GENDER_GROUP, *FOCUS_GROUPS, "first_contact_with_coding")
SUM_OF = {AGE_GROUP: " ".join(AGE_BANDS), GENDER_GROUP: " ".join(GENDERS)}


def _hint_rows(hints: dict[str, list[str]]) -> dict[str, dict]:
    """Every hint, shown or empty (the browser fills empty ones while typing)."""
    return {
        key: {"key": key, "sum_of": SUM_OF.get(key, ""), "message": hints.get(key, [])}
        for key in HINT_KEYS
    }


def _form_context(form: ReportForm, hints: dict[str, list[str]]) -> dict:
    rows = _hint_rows(hints)
    return {
        "form": form,
        "age_hint": rows[AGE_GROUP],
        "gender_hint": rows[GENDER_GROUP],
        "group_rows": [(form[key], rows[key]) for key in HINT_KEYS if key in form.fields],
        "hint_list": list(rows.values()),
    }


def _proposal(request, pk) -> Proposal:
    """The applicant's approved proposal (or one that has a report); 404 for anyone else."""
    proposal = get_proposal_for(request.user, pk)
    if proposal.status != Proposal.Status.APPROVED and reports.report_of(proposal) is None:
        raise Http404
    return proposal


def _lines(proposal) -> list[BudgetLine]:
    return list(BudgetLine.objects.filter(proposal=proposal))


def _form(proposal, report, data=None, files=None) -> ReportForm:
    return ReportForm(
        data,
        files,
        instance=report or Report(proposal=proposal),
        lines=_lines(proposal),
        currency=proposal.currency,
        proposal=proposal,
    )


def _hints(report: Report | None) -> dict[str, list[str]]:
    """The sums of a started draft, checked as on submit, for the hints under the fields."""
    if report is None or not report.participants_total:
        return {}
    values = {name: getattr(report, name) for name in reports.NUMBERS}
    errors = reports.check_report(values)
    return {key: errors[key] for key in HINT_KEYS if key in errors}


def _page(request, proposal, *, form=None, upload_form=None, problems=None, status=200):
    report = reports.report_of(proposal)
    window = reports.report_window(proposal)
    editable = report is None or report.status in reports.EDITABLE
    problems = problems or {}
    form = form if form is not None else _form(proposal, report)
    hints = {key: problems[key] for key in HINT_KEYS if key in problems} if problems else None
    context = {
        "proposal": proposal,
        "report": report,
        "window": window,
        "is_open": window.is_open(),
        "is_overdue": editable and window.is_overdue(),
        "editable": editable and window.is_open() and proposal.status == Proposal.Status.APPROVED,
        "upload_form": upload_form or UploadForm(),
        "problems": _problem_list(form, problems),
        "change_request": reports.change_request(report),
        "files": list(report.files.all()) if report else [],
        "lines": _lines(proposal),
        "limit": uploads.MAX_FILES_PER_KIND,
        **_form_context(form, hints if hints is not None else _hints(report)),
    }
    return render(request, "events/report.html", context, status=status)


GROUP_LABELS = {
    AGE_GROUP: _lazy("Participants by age"),
    GENDER_GROUP: _lazy("Participants by gender"),
}


def _problem_list(form, problems: dict[str, list[str]]) -> list[dict]:
    """The problems of a refused submit, for the list at the top that links to each field."""
    rows = []
    for key, errors in problems.items():
        label = form.fields[key].label if key in form.fields else GROUP_LABELS.get(key, key)
        rows.append({"key": key, "label": label, "messages": errors})
    return rows


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _proposal(request, pk))


@login_required
@require_POST
def save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx: "Saved at" and the sums' hints) or the "Save" button (a redirect)."""
    proposal = _proposal(request, pk)
    form = _form(proposal, reports.report_of(proposal), request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    try:
        saved = reports.save_report_draft(
            proposal,
            actor=request.user,
            data=form.report_data(),
            actual_costs=form.actual_costs(),
            answers=form.answers(),
        )
    except DomainError as refused:
        if request.htmx:  # e.g. a last autosave arriving after the submit: nothing to show
            return HttpResponse(str(refused), status=409)
        messages.error(request, str(refused))
        return redirect("events:report", pk=proposal.pk)
    if not request.htmx:
        messages.success(request, _("Your report is saved. You can come back to it any time."))
        return redirect("events:report", pk=proposal.pk)
    context = {"saved_at": timezone.now(), "hint_list": _hint_rows(_hints(saved)).values()}
    response = render(request, "events/report_saved.html", context)
    return reswap(retarget(response, "#report-form-section .save-status"), "innerHTML")


def _invalid(request, proposal, form) -> HttpResponse:
    if request.htmx:
        context = {"proposal": proposal, "editable": True, **_form_context(form, {})}
        return render(request, "events/report_form.html", context, status=400)
    return _page(request, proposal, form=form, status=400)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what was sent, then hand the report in if it adds up; otherwise say where not."""
    proposal = _proposal(request, pk)
    form = _form(proposal, reports.report_of(proposal), request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    try:
        reports.save_report_draft(
            proposal,
            actor=request.user,
            data=form.report_data(),
            actual_costs=form.actual_costs(),
            answers=form.answers(),
        )
        reports.submit_report(proposal, actor=request.user)
    except reports.ReportNotValid as refused:
        for name, errors in refused.errors.items():
            if name not in HINT_KEYS and name in form.fields:
                for error in errors:
                    form.add_error(name, error)
        return _page(request, proposal, form=form, problems=refused.errors, status=400)
    except DomainError as refused:
        messages.error(request, str(refused))
        return redirect("events:report", pk=proposal.pk)
    messages.success(request, _("Thank you! Your report was sent to the national partner."))
    return redirect("events:report", pk=proposal.pk)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Receipts or photos; a refused file is named next to the field and nothing is stored."""
    proposal = _proposal(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = reports.add_report_files(
                proposal,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                files=form.cleaned_data["files"],
                consent=form.cleaned_data["consent"],
                public=form.cleaned_data["public"],
            )
        except DomainError as refused:  # FileRefused, or a report no longer open to changes
            form.add_error("files", str(refused))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s file added to your report.",
                    "%(count)s files added to your report.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect(reverse("events:report", args=[proposal.pk]) + "#files")
    return _page(request, proposal, upload_form=form, status=400)


def _own_file(request, pk, file_pk) -> ReportFile:
    proposal = _proposal(request, pk)
    return get_object_or_404(
        ReportFile.objects.select_related("report__proposal"),
        pk=file_pk,
        report__proposal=proposal,
    )


@login_required
@require_POST
def remove_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    row = _own_file(request, pk, file_pk)
    try:
        reports.remove_report_file(row, actor=request.user)
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": row.original_name})
    return redirect(reverse("events:report", args=[pk]) + "#files")


@login_required
@require_POST
def file_public(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    row = _own_file(request, pk, file_pk)
    try:
        reports.set_photo_public(row, actor=request.user, public=request.POST.get("public") == "1")
    except DomainError as refused:
        messages.error(request, str(refused))
    return redirect(reverse("events:report", args=[pk]) + "#files")


# --- Downloads -------------------------------------------------------------------------------


@login_required
@require_GET
def download(request: HttpRequest, file_pk: int) -> HttpResponse:
    """A report's file, as an attachment (``_private_file`` says for whom)."""
    row = get_object_or_404(ReportFile.objects.select_related("report__proposal"), pk=file_pk)
    respond = partial(_file_response, row.file, row.original_name, row.content_type)
    return _private_file(request, row.report.proposal, read=row, respond=respond)


@login_required
@require_GET
def answer_file(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """The file answering an extra question, as an attachment (``_private_file`` says for
    whom); the server named it, so its name gives its type."""
    answer = get_object_or_404(
        Answer.objects.select_related("proposal").exclude(file=""),
        proposal_id=pk,
        question_id=question_pk,
    )
    kind = mimetypes.guess_type(answer.file.name)[0] or "application/octet-stream"
    respond = partial(_file_response, answer.file, answer.file_name, kind)
    return _private_file(request, answer.proposal, read=answer.proposal, respond=respond)


def _private_file(request: HttpRequest, proposal: Proposal, *, read, respond) -> HttpResponse:
    """A proposal's private file for the organisation's members, its national partner's staff
    (with their second factor, as on the dashboard; ``read`` is logged) and programme staff;
    404 for others."""
    if may(request.user, "proposal.act", proposal):
        return respond()
    if not may(request.user, "partner_pages.open"):
        raise Http404
    return _partner_file(request, proposal_id=proposal.pk, read=read, respond=respond)


@partner_required
def _partner_file(request: HttpRequest, *, proposal_id: int, read, respond) -> HttpResponse:
    if not partner_proposals(request.user).filter(pk=proposal_id).exists():
        raise Http404
    log_staff_read(request, read)
    return respond()


def _file_response(file, name: str, content_type: str) -> FileResponse:
    """A stored file as an attachment, never run or shown by the browser."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@replica_reads
def public_photo(request: HttpRequest, pk: int, slug: str, file_pk: int) -> HttpResponse:
    """A photo the organisation marked public, of an event the public may see."""
    row = get_object_or_404(
        ReportFile,
        pk=file_pk,
        kind=ReportFile.Kind.PHOTO,
        public=True,
        consent=True,
        report__proposal__event__pk=pk,
        report__proposal__event__status__in=[Event.Status.SCHEDULED, Event.Status.HELD],
    )
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- The partner's decision ------------------------------------------------------------------


def _partner_report(request, pk) -> Report:
    proposal = get_object_or_404(managed_proposals(request.user), pk=pk)
    return get_object_or_404(Report.objects.select_related("proposal"), proposal=proposal)


def _back(pk) -> HttpResponse:
    return redirect(reverse("grants:proposal", args=[pk]) + "#report")


@manager_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    report_row = _partner_report(request, pk)
    try:
        reports.accept_report(report_row, actor=request.user)
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The report is accepted; the event shows as held."))
    return _back(pk)


@manager_required
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    report_row = _partner_report(request, pk)
    try:
        reports.request_report_changes(
            report_row, actor=request.user, message=request.POST.get("message", "")[:3000]
        )
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The report went back to the organisation with your message."))
    return _back(pk)
