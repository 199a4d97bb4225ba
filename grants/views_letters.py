"""Award letters on the web: the permission-checked download and the public verification page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from organisations.permissions import may, second_factor_redirect
from organisations.privacy import log_staff_read

from .letters import current_letter, find_letter, letter_dates, letter_filename, normalise_code
from .models import Grant


@require_GET
@login_required
def download(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The grant's current letter as a PDF attachment, for the organisation's active members, its
    partner's staff and programme staff; staff pass the second factor first, as for report files
    and donation receipts (``organisations.permissions``). 404 for whoever may not see it."""
    grant = get_object_or_404(
        Grant.objects.select_related("proposal", "country_programme"), pk=grant_id
    )
    if may(request.user, "proposal.act", grant.proposal):
        return _attachment(grant)
    if not may(request.user, "partner_pages.open"):
        raise Http404
    return second_factor_redirect(request) or _staff_download(request, grant)


def _staff_download(request: HttpRequest, grant: Grant) -> FileResponse:
    """The grant's partner staff (or programme staff): logged as a staff read."""
    if not may(request.user, "programme.review", grant.country_programme):
        raise Http404
    response = _attachment(grant)
    log_staff_read(request, grant)
    return response


def _attachment(grant: Grant) -> FileResponse:
    letter = current_letter(grant)
    if letter is None:
        raise Http404("The award letter is still being prepared.")
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter_filename(letter),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """A code typed in from a printed letter: on to its verification page."""
    typed = request.GET.get("code", "")
    code = normalise_code(typed)
    if code:
        return redirect("letters:verify", code=code)
    context = {"typed": typed, "asked": bool(typed)}
    return render(request, "letters/verify.html", context, status=400 if typed else 200)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a letter is genuine and shows its key facts, nothing personal."""
    letter = find_letter(code)
    if letter is None:
        return render(request, "letters/verify.html", {"typed": code, "asked": True}, status=404)
    grant = letter.grant
    context = {
        "letter": letter,
        "reference": grant.reference,
        "organisation_name": grant.proposal.organisation.name,
        "event_title": grant.proposal.title,
        "cancelled": grant.status == Grant.Status.CANCELLED,
        # The dates the letter itself states: the decision's, and for a later version its own.
        **letter_dates(grant, version=letter.version, issued_at=letter.created_at),
    }
    response = render(request, "letters/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
