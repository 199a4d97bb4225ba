"""The partner dashboard: the review queue, the proposal page and the queue's exports.

Reviews, comments, decisions and validation live in grants/views_decisions.py.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events import changes
from events.models import Proposal
from events.permissions import get_partner_proposal_for, visible_proposals
from organisations import audit
from organisations.audit import Action
from organisations.models import OrganisationValidation
from organisations.permissions import partner_required
from organisations.privacy import log_staff_read
from organisations.selectors import RETURNING, validation_facts
from programmes.models import Edition

from . import exports
from .filters import SORT_LABELS, SORTS, QueueFilter
from .selectors import bars_for, queue_for, queue_programmes, rows_in_order, status_listing

PAGE_SIZE = 50
LABELS = dict(Proposal.Status.choices)


def _filtered(
    request: HttpRequest,
    data=None,
    country_codes=None,
    queryset=None,
    programme_ids=None,
    editions=None,
) -> QueueFilter:
    if queryset is None:
        queryset = queue_for(request.user, programme_ids)
    return QueueFilter(
        request.GET if data is None else data,
        queryset=queryset,
        request=request,
        country_codes=country_codes,
        editions=editions,
    )


def _listing_filter(
    request: HttpRequest, programme_ids: list[int], codes: list[str], editions: list[Edition]
) -> tuple[QueueFilter, QueueFilter]:
    """The filter set the form shows and the one whose proposals are listed: every filter but
    the status, since one scan gives the counts per status (what each status tab would show)
    and, in the chosen order, the ids of the chosen status. Without a status in the query
    string both are the same filter set (building the queue's queryset twice is not free)."""
    if "status" not in request.GET:
        filterset = _filtered(
            request, country_codes=codes, programme_ids=programme_ids, editions=editions
        )
        return filterset, filterset
    others = request.GET.copy()
    others.pop("status", None)
    shown = _filtered(
        request, country_codes=codes, queryset=Proposal.objects.none(), editions=editions
    )
    return shown, _filtered(request, others, codes, programme_ids=programme_ids, editions=editions)


@partner_required
def queue(request: HttpRequest) -> HttpResponse:
    programmes = queue_programmes(request.user)
    programme_ids = [programme.pk for programme in programmes]
    codes = sorted({programme.country.code for programme in programmes})
    editions = list(Edition.objects.all())
    filterset, without_status = _listing_filter(request, programme_ids, codes, editions)
    valid = filterset.form.is_valid()
    status = filterset.form.cleaned_data.get("status") if valid else None
    country = filterset.form.cleaned_data.get("country") if valid else None
    listing = status_listing(
        without_status.qs, status, request.GET.get("page"), PAGE_SIZE, scan=filterset.scans
    )
    context = {
        "filter": filterset,
        "page": listing.page,
        "proposals": rows_in_order(request.user, list(listing.page.object_list)),
        "counts": listing.counts,
        "count_all": sum(listing.counts.values()),
        "status_tabs": [(code, LABELS[code], n) for code, n in listing.counts.items()],
        "status_filter": status or "",
        # The chosen edition's budgets (the current one's with all editions chosen).
        "bars": bars_for(
            programmes,
            filterset.chosen_edition or filterset.current_edition,
            [country] if country else None,
        ),
        "sort": filterset.sort_param,
        "sorts": [(param, SORT_LABELS[param]) for param in SORTS],
        "total": listing.total,
    }
    return render(request, "grants/queue.html", context)


@partner_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_partner_proposal_for(request.user, pk)
    log_staff_read(request, proposal)
    organisation = proposal.organisation
    edition = proposal.country_programme.edition
    history = (
        visible_proposals(request.user)
        .filter(organisation=organisation)
        .exclude(pk=proposal.pk)
        .select_related("country_programme__edition", "grant", "report")
        .order_by("-submitted_at", "-pk")
    )
    context = {
        "proposal": proposal,
        "organisation": organisation,
        "programme": proposal.country_programme,
        "budget_lines": list(proposal.budget_lines.all()),
        "focus_groups": list(proposal.focus_groups.all()),
        "languages": list(proposal.languages.all()),
        "validation": OrganisationValidation.objects.filter(
            organisation=organisation, edition=edition
        ).first(),
        "grant": getattr(proposal, "grant", None),
        "history": list(history),
        "timeline": _timeline(proposal),
        # what the latest resubmission changed, for a reviewer who saw the earlier version
        "changes": changes.changes_in_last_resubmission(proposal),
    }
    context["budget_total"] = sum(line.amount for line in context["budget_lines"])
    # Without a validation of its own for the edition, a returning organisation may still be
    # validated by an earlier edition's (the country's setting): say which.
    context["returning"] = context["validation"] is None and (
        validation_facts(organisation, edition).standing == RETURNING
    )
    return render(request, "grants/proposal.html", context)


def _timeline(proposal) -> list:
    """The proposal's history, newest first, with its states as people read them. Staff reads
    are left out: they are logged for the applicant (their data export), not history, and one
    was added with every visit."""
    entries = list(audit.entries_for(proposal).exclude(action=Action.DATA_READ))
    for entry in entries:
        entry.from_label = LABELS.get(entry.from_state, entry.from_state)
        entry.to_label = LABELS.get(entry.to_state, entry.to_state)
    return entries


@partner_required
def export_csv(request: HttpRequest) -> HttpResponse:
    return exports.csv_response(_filtered(request).qs)


@partner_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return exports.xlsx_response(_filtered(request).qs)
