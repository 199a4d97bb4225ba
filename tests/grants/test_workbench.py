"""The reviewer's workbench (issue 17): the queue opens on what needs the person and remembers
their choice; the proposal page walks through the filtered queue; "save review and next"; bulk
decisions on everything that matches, listed by score with the line where the budget runs out;
an organisation's earlier proposals at a glance."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal, Report
from grants.models import Grant, Review
from organisations.models import PartnerStaff
from tests.factories import (
    LUXEMBOURG,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    ReviewCriterionFactory,
    ReviewFactory,
    ReviewScoreFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

S = Proposal.Status
# This year's edition: its events are still ahead whatever today is (approvals need no
# confirmation for a past event).
NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def partner():
    return PartnerFactory(countries=["LU", "BE"])


@pytest.fixture
def edition():
    return EditionFactory(year=NEXT_YEAR)


@pytest.fixture
def lu(edition, partner):
    return CountryProgrammeFactory(
        edition=edition, country="LU", partner=partner, budget=Decimal("1000.00")
    )


@pytest.fixture
def be(edition, partner):
    return CountryProgrammeFactory(edition=edition, country="BE", partner=partner)


@pytest.fixture
def criterion(edition):
    return ReviewCriterionFactory(edition=edition, name="Relevance")


@pytest.fixture
def manager(partner):
    return PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def reviewer(partner):
    return PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user


def _as(user) -> Client:
    return log_in_with_second_factor(Client(), user)


_minutes = iter(range(10_000))


def _submitted(programme, **fields) -> Proposal:
    """A submitted proposal; each one a minute after the one before (the queue's default order)."""
    fields.setdefault("status", S.SUBMITTED)
    start = dt.datetime(programme.edition.year, 3, 1, 9, 0, tzinfo=LUXEMBOURG)
    fields.setdefault("submitted_at", start + dt.timedelta(minutes=next(_minutes)))
    return ProposalFactory(country_programme=programme, **fields)


def _review(proposal, criterion, score: int, reviewer=None, *, conflict=False) -> Review:
    review = ReviewFactory(
        proposal=proposal,
        conflict_of_interest=conflict,
        **({"reviewer": reviewer} if reviewer else {}),
    )
    if not conflict:
        ReviewScoreFactory(review=review, criterion=criterion, score=score)
    return review


def _rows(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<tr data-proposal="(\d+)"', response.content.decode())]


def _queue(client, **params):
    return client.get(reverse("grants:dashboard"), params)


def _page(client, proposal):
    response = client.get(reverse("grants:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    return response


# --- The queue opens on what needs the person --------------------------------------------------


def test_a_reviewer_s_queue_opens_on_the_proposals_awaiting_their_own_review(
    reviewer, lu, criterion
):
    waiting = _submitted(lu, title="Nobody reviewed it")
    reviewed_by_others = _submitted(lu, title="Someone else reviewed it")
    _review(reviewed_by_others, criterion, 4)
    reviewed_by_me = _submitted(lu, title="I reviewed it")
    _review(reviewed_by_me, criterion, 3, reviewer)
    conflicted = _submitted(lu, title="My own club")
    _review(conflicted, criterion, 0, reviewer, conflict=True)
    _submitted(lu, title="Already approved", status=S.APPROVED)

    client = _as(reviewer)
    response = _queue(client)
    assert _rows(response) == [waiting.pk, reviewed_by_others.pk]
    assert 'data-todo="decide"' not in response.content.decode()  # a reviewer decides nothing
    # everything is one tab away, and that choice is what opens next time
    assert set(_rows(_queue(client, todo="all"))) == {
        waiting.pk,
        reviewed_by_others.pk,
        reviewed_by_me.pk,
        *Proposal.objects.filter(status=S.APPROVED).values_list("pk", flat=True),
    }
    assert len(_rows(_queue(client))) == 4


def test_a_manager_s_queue_opens_on_the_reviewed_proposals_best_score_first(manager, lu, criterion):
    unreviewed = _submitted(lu, title="Not reviewed yet")
    good = _submitted(lu, title="Good")
    _review(good, criterion, 4)
    best = _submitted(lu, title="Best")
    _review(best, criterion, 5)
    _review(best, criterion, 5)
    only_conflict = _submitted(lu, title="Only a conflict declared")
    _review(only_conflict, criterion, 0, conflict=True)

    response = _queue(_as(manager))
    assert _rows(response) == [best.pk, good.pk]
    assert unreviewed.pk not in _rows(response)
    assert 'data-todo="decide" href="?todo=decide" aria-current="page"' in response.content.decode()


def test_the_last_choice_is_remembered_across_sign_ins_but_not_the_current_edition(
    reviewer, lu, edition
):
    first, second = _submitted(lu, title="Alpha"), _submitted(lu, title="Beta")
    _queue(_as(reviewer), todo="all", sort="-title", edition=str(edition.year), page="1")
    reviewer.refresh_from_db()
    assert reviewer.choices_remembered == {"queue": "todo=all&sort=-title"}

    elsewhere = _as(reviewer)  # another browser, another session
    response = _queue(elsewhere)
    assert _rows(response) == [second.pk, first.pk]
    assert '<option value="-title" selected>' in response.content.decode()


def test_a_choice_that_does_not_validate_is_not_remembered(reviewer, lu):
    _submitted(lu)
    client = _as(reviewer)
    _queue(client, todo="all")
    assert _queue(client, min_score="9").status_code == 200
    reviewer.refresh_from_db()
    assert reviewer.choices_remembered == {"queue": "todo=all"}


# --- Moving through the work -------------------------------------------------------------------


def _pager(response) -> dict:
    html = response.content.decode()
    start = html.index('id="proposal-pager"')
    nav = html[start : html.index("</nav>", start)]

    def target(rel):
        found = re.search(rf'rel="{rel}"[^>]*href="/partner/proposals/(\d+)/"', nav)
        return int(found.group(1)) if found else None

    position = re.search(r'id="pager-position">([^<]*)<', nav).group(1).strip()
    return {"prev": target("prev"), "next": target("next"), "position": position}


def test_next_and_previous_follow_the_filtered_queue(reviewer, lu, be):
    a = _submitted(lu, title="Robots A")
    _submitted(lu, title="Painting")  # filtered out
    b = _submitted(be, title="Robots B")
    c = _submitted(lu, title="Robots C")
    client = _as(reviewer)
    _queue(client, todo="all", q="robots")

    first, second = "1 of 3 in your list", "2 of 3 in your list"
    assert _pager(_page(client, a)) == {"prev": None, "next": b.pk, "position": first}
    assert _pager(_page(client, b)) == {"prev": a.pk, "next": c.pk, "position": second}
    assert _pager(_page(client, c))["next"] is None

    _queue(client, todo="all", q="robots", sort="-title")  # another order, carried along too
    assert _pager(_page(client, c)) == {"prev": None, "next": b.pk, "position": first}


def test_save_review_and_next_saves_and_opens_the_next_one_awaiting(reviewer, lu, criterion):
    first, second, third = (_submitted(lu, title=f"Proposal {n}") for n in range(3))
    client = _as(reviewer)
    _queue(client)  # awaiting my review: all three
    page = _page(client, first).content.decode()
    assert f'name="and_next" value="{second.pk}" data-shortcut="s"' in page

    response = client.post(
        reverse("grants:review", args=[first.pk]),
        {f"score_{criterion.pk}": "4", "comment": "Fine.", "and_next": second.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:proposal", args=[second.pk])
    assert Review.objects.get(proposal=first, reviewer=reviewer).scores.get().score == 4
    # the reviewed one left the list: the next page counts what is left
    assert _pager(_page(client, second)) == {
        "prev": None,
        "next": third.pk,
        "position": "1 of 2 in your list",
    }
    # back on the reviewed one, it keeps its place: its next is still the second
    assert _pager(_page(client, first)) == {
        "prev": None,
        "next": second.pk,
        "position": "No longer in your list",
    }

    client.post(
        reverse("grants:review", args=[second.pk]),
        {f"score_{criterion.pk}": "3", "and_next": "1"},
    )
    last = client.post(
        reverse("grants:review", args=[third.pk]),
        {f"score_{criterion.pk}": "5", "and_next": "1"},
        follow=True,
    )
    assert last.redirect_chain[-1][0] == reverse("grants:dashboard")
    assert "That was the last proposal in your list." in last.content.decode()
    assert _rows(last) == []


def test_save_review_and_next_with_a_missing_score_keeps_what_was_typed(reviewer, lu, criterion):
    first, _second = _submitted(lu), _submitted(lu)
    client = _as(reviewer)
    _queue(client)
    response = client.post(
        reverse("grants:review", args=[first.pk]), {"comment": "Half done", "and_next": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Half done" in html and 'name="and_next"' in html
    assert not Review.objects.filter(proposal=first).exists()


def test_the_pager_costs_the_same_queries_for_3_or_30_proposals(reviewer, lu, be, criterion):
    for _ in range(3):
        _review(_submitted(lu), criterion, 3)
    client = _as(reviewer)
    _queue(client, todo="all", sort="-score")
    target = _submitted(lu)
    _page(client, target)

    def count():
        with CaptureQueriesContext(connection) as queries:
            _page(client, target)
        return len(queries)

    few = count()
    for _ in range(27):
        _review(_submitted(be), criterion, 4)
    assert count() == few


# --- Bulk decisions ----------------------------------------------------------------------------


def test_select_all_that_match_the_filters_lists_every_decidable_match_by_score(
    manager, lu, be, criterion
):
    scores = [2, 5, 3, 4]
    chosen = [_submitted(lu, title=f"Robots {n}") for n in range(len(scores))]
    for proposal, score in zip(chosen, scores, strict=True):
        _review(proposal, criterion, score)
    _submitted(lu, title="Robots, decided", status=S.REJECTED)
    _submitted(lu, title="Painting")
    other_partner = CountryProgrammeFactory(edition=lu.edition, country="DE")
    _submitted(other_partner, title="Robots in Berlin")

    client = _as(manager)
    queue = _queue(client, todo="all", q="robots")
    matching = re.findall(r'data-matching-count="(\d+)"', queue.content.decode())
    assert sum(map(int, matching)) == 4

    response = client.post(
        reverse("grants:bulk_decide"),
        {"decision": "approve", "all_matching": "1", "queue_query": "todo=all&q=robots"},
    )
    assert response.status_code == 200
    listed = [int(pk) for pk in re.findall(r'<tr data-proposal="(\d+)"', response.content.decode())]
    by_score = [chosen[1], chosen[3], chosen[2], chosen[0]]
    assert listed == [proposal.pk for proposal in by_score]


def test_the_confirm_page_draws_the_line_where_the_budget_runs_out(manager, lu, criterion):
    # 1,000 left in Luxembourg: the best two (400 + 400) fit, the third does not
    proposals = [_submitted(lu, requested_amount=Decimal("400.00")) for _ in range(3)]
    for proposal, score in zip(proposals, [3, 5, 4], strict=True):
        _review(proposal, criterion, score)
    client = _as(manager)
    response = client.post(
        reverse("grants:bulk_decide"),
        {"decision": "approve", "proposals": [p.pk for p in proposals]},
    )
    html = response.content.decode()
    line = html.index('class="budget-line')
    rows = {p.pk: html.index(f'<tr data-proposal="{p.pk}"') for p in proposals}
    assert rows[proposals[1].pk] < rows[proposals[2].pk] < line < rows[proposals[0].pk]
    assert html.count('class="budget-line') == 1
    assert "The budget runs out before the last proposal." in html

    done = client.post(
        reverse("grants:bulk_decide"),
        {"decision": "approve", "confirm": "yes", "proposals": [p.pk for p in proposals]},
    )
    assert done.status_code == 200
    approved = set(Grant.objects.values_list("proposal_id", flat=True))
    assert approved == {proposals[1].pk, proposals[2].pk}  # by score, not by submission


def test_no_line_when_the_selection_fits_the_budget(manager, lu, criterion):
    proposals = [_submitted(lu, requested_amount=Decimal("300.00")) for _ in range(3)]
    response = _as(manager).post(
        reverse("grants:bulk_decide"),
        {"decision": "approve", "proposals": [p.pk for p in proposals]},
    )
    assert 'class="budget-line' not in response.content.decode()


def test_all_matching_never_reaches_another_partner_s_proposals(manager, lu):
    stranger = _submitted(CountryProgrammeFactory(edition=lu.edition, country="DE"), title="Berlin")
    client = _as(manager)
    response = client.post(
        reverse("grants:bulk_decide"),
        {
            "decision": "approve",
            "all_matching": "1",
            "queue_query": "todo=all&country=DE",
            "confirm": "yes",
        },
    )
    assert f'data-proposal="{stranger.pk}"' not in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.status == S.SUBMITTED


# --- The organisation's earlier proposals ------------------------------------------------------


def test_earlier_proposals_at_a_glance_per_edition(manager, lu, partner):
    organisation = OrganisationFactory(country="LU")
    earlier = CountryProgrammeFactory(
        edition=EditionFactory(year=NEXT_YEAR - 2), country="LU", partner=partner
    )
    funded = [_submitted(earlier, organisation=organisation, status=S.APPROVED) for _ in range(3)]
    for proposal in funded:
        GrantFactory(proposal=proposal)
    ReportFactory(proposal=funded[0], status=Report.Status.ACCEPTED)
    ReportFactory(proposal=funded[1], status=Report.Status.DRAFT)  # not handed in: overdue
    # the third has no report at all: overdue as well (the events were two years ago)
    _submitted(earlier, organisation=organisation, status=S.REJECTED)
    cancelled = _submitted(earlier, organisation=organisation, status=S.CANCELLED)
    GrantFactory(proposal=cancelled, status=Grant.Status.CANCELLED)
    current = _submitted(lu, organisation=organisation)
    sibling = _submitted(lu, organisation=organisation)

    html = _page(_as(manager), current).content.decode()
    table = html[html.index('class="table table-sm small mb-2 track-record"') :]
    cells = re.findall(
        r'<tr data-edition="([^"]+)"><th scope="row">[^<]+</th>'
        r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>'
        r'<td class="text-end">(\d+)</td><td class="text-end[^"]*">(\d+)</td>',
        table,
    )
    assert cells == [
        (lu.edition.code, "1", "0", "0", "0"),  # the sibling, not the proposal itself
        (earlier.edition.code, "5", "3", "1", "2"),
    ]
    assert "<details>" in table and f'href="/partner/proposals/{sibling.pk}/"' in table


def test_the_descending_orders_read_in_the_language_of_the_request_not_of_the_import():
    """django-filter words its descending labels once, when the filter set's class is built
    (the queue's default order for a manager is descending: "Average score (descending)" was
    shown on German pages)."""
    from django.utils import translation

    from grants.filters import SORT_LABELS, SORTS, QueueOrdering

    with translation.override("en"):  # the class is built while importing, in English
        ordering = QueueOrdering(
            fields=[(field, param) for param, field in SORTS.items()],
            field_labels={field: SORT_LABELS[param] for param, field in SORTS.items()},
        )
    with translation.override("de"):
        labels = {value: str(label) for value, label in ordering.field.choices}
    assert labels["-score"] == "Durchschnittliche Bewertung (absteigend)"
    assert labels["score"] == "Durchschnittliche Bewertung"
