"""The partner dashboard: the review queue, the proposal page and the queue's exports.

Reviews, comments, decisions and validation live in grants/views_decisions.py.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events import changes
from events.models import Proposal
from events.permissions import (
    get_partner_proposal_for,
    get_partner_proposal_heading,
    visible_proposals,
)
from meetandcode.kernel.replica import from_replica
from organisations import audit, notifications
from organisations.audit import Action
from organisations.models import OrganisationValidation
from organisations.permissions import may, partner_required
from organisations.privacy import log_staff_read
from organisations.selectors import RETURNING, validation_facts

from . import exports, proposal_body, queue_plan, queue_rows, workbench
from .filters import DECIDABLE, SORT_LABELS, SORTS, TODO_CHOICES, QueueFilter
from .reference import reference_for
from .selectors import (
    BudgetBar,
    bars_for,
    queue_for,
    track_record,
)

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


@partner_required
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue. Without a query string it opens on what the person chose last, or on
    what needs them (grants.workbench); a choice made here is remembered. What the filters
    decide and the SQL of the page's queries come from the person's plan (grants.queue_plan)."""
    chosen_here = bool(request.GET)
    if not chosen_here:  # the filter form, the tabs and the links read the choice from here
        request.GET = QueryDict(workbench.queue_query(request.user))
    reference = reference_for(request.user)  # programmes, editions, focus groups
    plan = queue_plan.plan_for(request, reference)
    if plan.valid and chosen_here:
        workbench.remember(request.user, request.GET, plan.current_edition)
    found = queue_plan.tally(plan)  # the counts per status and the bulk sums
    listing = queue_plan.listing(plan, found, request.GET.get("page"), PAGE_SIZE)
    bars = bars_for(
        reference.programmes,
        plan.chosen_edition or plan.current_edition,
        [plan.country] if plan.country else None,
    )
    bulk_budgets = _bulk_budgets(found.sums, bars)
    rows = queue_plan.page_rows(plan, list(listing.page.object_list))
    can_decide = may(request.user, "partner_pages.decide")
    inbox = notifications.inbox_of(request.user)  # the layout's, read once for both
    values = {
        "filter_html": plan.filter_html,
        "page": queue_rows.plain_page(listing.page),
        "proposals": rows,
        "count_all": sum(listing.counts.values()),
        "status_tabs": [(code, LABELS[code], n) for code, n in listing.counts.items()],
        "status_filter": plan.status or "",
        # The chosen edition's budgets (the current one's with all editions chosen).
        "bars": queue_rows.plain_bars(bars),
        "todo": plan.todo,
        "todo_choices": TODO_CHOICES,
        "bulk_budgets": bulk_budgets,
        "matching_decidable": sum(budget["matching_count"] for budget in bulk_budgets),
        "decidable_on_page": sum(1 for row in rows if row["status"] in DECIDABLE),
        "queue_query": _without_page(request),
        "sort": plan.sort,
        "sorts": [(param, SORT_LABELS[param]) for param in SORTS],
        "total": listing.total,
        "can_decide": can_decide,
        "unread_notifications": inbox.unread,
    }
    main = queue_rows.main_column(request, values)
    layout = {"unread_notifications": inbox.unread, "user_notifications": inbox.latest}
    return render(request, "grants/queue.html", {"main": main, **layout})


def _bulk_budgets(sums: dict[int, dict], bars: list[BudgetBar]) -> list[dict]:
    """For each budget bar's programme, how many of the filtered proposals can be decided and
    what they request together, against what is left: the bulk selection's running total,
    and "select all that match the filters"."""
    budgets = []
    for bar in bars:
        found = sums.get(bar.programme.pk, {})
        budgets.append(
            {
                "country": bar.country.code,
                "name": bar.country.name,
                "currency": bar.currency,
                "remaining": bar.remaining,
                "matching_count": found.get("n", 0),
                "matching_total": found.get("total") or 0,
            }
        )
    return budgets


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


#: what the proposal page's body reads with the proposal (one query)
WHOLE = ("grant", "report")


@partner_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # the versions of what the body shows, before reading any of it (grants.proposal_body)
    version = proposal_body.versions(pk, request.user)
    # the title for the heading; the whole proposal is read only when its body is not kept
    proposal = get_partner_proposal_heading(request.user, pk)
    log_staff_read(request, proposal)
    pager = workbench.pager(request.user, proposal.pk, reference_for(request.user))

    def context() -> dict:
        return _body_context(request, get_partner_proposal_for(request.user, pk, also=WHOLE))

    body = proposal_body.body(request, proposal, version, context)
    context = {
        "pager": pager,
        "queue_url": reverse("grants:dashboard"),
        "proposal": proposal,
        "body": proposal_body.with_request_parts(body, request, pager),
    }
    return render(request, "grants/proposal.html", context)


def _body_context(request: HttpRequest, proposal) -> dict:
    """What the proposal page's body shows (grants/_proposal_body.html), read when not kept."""
    # read once for the page, its panels and its report (each asked them again)
    prefetch_related_objects([proposal], "budget_lines", "focus_groups", "languages")
    organisation = proposal.organisation
    edition = proposal.country_programme.edition
    history = (
        visible_proposals(request.user)
        .filter(organisation=organisation)
        .exclude(pk=proposal.pk)
        .select_related("country_programme__edition", "grant", "report")
        .order_by("-submitted_at", "-pk")
    )
    history = list(history)
    timeline = _timeline(proposal)
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
        "history": history,
        "history_by_edition": track_record(history, timezone.now()),
        "timeline": timeline,
        # what the latest resubmission changed, for a reviewer who saw the earlier version
        "changes": changes.changes_in_last_resubmission(timeline),
    }
    context["budget_total"] = sum(line.amount for line in context["budget_lines"])
    # Without a validation of its own for the edition, a returning organisation may still be
    # validated by an earlier edition's (the country's setting): say which.
    context["returning"] = context["validation"] is None and (
        validation_facts(organisation, edition).standing == RETURNING
    )
    return context


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
    return _export(request, exports.csv_response)


@partner_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.xlsx_response)


def _export(request: HttpRequest, respond) -> HttpResponse:
    """A past edition's rows no longer change: their export may read the replica."""
    filtered = _filtered(request)
    edition = filtered.chosen_edition
    if edition is None or not edition.events_over():
        return respond(filtered.qs)
    return from_replica(request, lambda: respond(filtered.qs))
