"""Resubmitting after a change request: the applicant, and later the partner, see what changed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from events.changes import (
    Change,
    changes_in_last_resubmission,
    changes_since_last_submission,
    diff_snapshots,
    latest_submitted_snapshot,
    load_snapshot,
    proposal_snapshot,
)
from events.models import Proposal
from grants.services import request_changes
from organisations import audit
from organisations.models import AuditEntry
from tests.factories import (
    LUXEMBOURG,
    PAST_YEAR,
    BudgetLineFactory,
    FocusGroupFactory,
    LanguageFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

ASKED = "Please say what the materials are, and whether refugees take part."


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.fixture
def girls():
    return FocusGroupFactory(code="girls", name="Girls")


@pytest.fixture
def refugees():
    return FocusGroupFactory(code="refugees", name="Refugees")


@pytest.fixture
def proposal(member, girls):
    proposal = ProposalFactory(organisation=member.organisation, title="Scratch for beginners")
    BudgetLineFactory(proposal=proposal, category="trainer", description="Trainers", amount=250)
    BudgetLineFactory(proposal=proposal, category="materials", description="Cables", amount=150)
    proposal.focus_groups.set([girls])
    proposal.languages.set([LanguageFactory(code="fr")])
    return proposal


def send_back(proposal, member):
    """The applicant submits, and the partner asks for changes."""
    submit_in_window(proposal, actor=member.user)
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    request_changes(proposal, actor=manager, message=ASKED)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CHANGES_REQUESTED


def save(client, proposal, section, data):
    response = client.post(reverse("events:save_section", args=[proposal.pk, section]), data)
    assert response.status_code == 302, response.content.decode()


def edit_three_things(client, proposal, girls, refugees):
    """A new title, one budget line reworded (same amount), one more focus group."""
    save(
        client,
        proposal,
        "event",
        {
            "event-title": "Scratch and micro:bit for beginners",
            "event-description": proposal.description,
            "event-format": proposal.format,
            "event-delivery": proposal.delivery,
        },
    )
    save(
        client,
        proposal,
        "budget",
        {
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-0-category": "trainer",
            "budget-0-description": "Trainers",
            "budget-0-amount": "250",
            "budget-1-category": "materials",
            "budget-1-description": "Cables and ten micro:bits",
            "budget-1-amount": "150.00",
        },
    )
    save(
        client,
        proposal,
        "audience",
        {
            "audience-age_min": proposal.age_min,
            "audience-age_max": proposal.age_max,
            "audience-expected_participants": proposal.expected_participants,
            "audience-focus_groups": [girls.pk, refugees.pk],
            "audience-languages": [language.pk for language in proposal.languages.all()],
        },
    )


def shown_changes(page: str) -> list[str]:
    return re.findall(r'<li class="change [^"]*" data-field="([^"]+)"', page)


EXPECTED = [
    Change(
        "title",
        "Name of your event",
        "event",
        "Scratch for beginners",
        "Scratch and micro:bit for beginners",
    ),
    Change("focus_groups", "Focus groups", "audience", "Girls", "Girls, Refugees"),
    Change(
        "budget_lines",
        "Budget lines",
        "budget",
        "Learning materials and their shipping: Cables — EUR 150.00",
        "Learning materials and their shipping: Cables and ten micro:bits — EUR 150.00",
    ),
]


def test_applicant_sees_the_request_and_exactly_what_they_changed(
    client, member, proposal, girls, refugees
):
    send_back(proposal, member)
    review = reverse("events:submit", args=[proposal.pk])

    page = client.get(review).content.decode()
    assert "What changed since you last submitted" in page
    assert "Please say what the materials are, and whether refugees take part." in page
    assert page.index('id="change-request-message"') < page.index("What changed since you last")
    assert "Nothing changed yet." in page and shown_changes(page) == []

    edit_three_things(client, proposal, girls, refugees)

    page = client.get(review).content.decode()
    assert "Nothing changed yet." not in page
    assert shown_changes(page) == ["title", "focus_groups", "budget_lines"]
    assert "Scratch for beginners</del>" in page
    assert "Scratch and micro:bit for beginners</ins>" in page
    assert "Cables and ten micro:bits — EUR 150.00</ins>" in page
    assert "Girls, Refugees</ins>" in page
    assert f'href="{reverse("events:edit", args=[proposal.pk])}#section-budget"' in page
    proposal.refresh_from_db()
    assert changes_since_last_submission(proposal) == EXPECTED


def test_after_resubmission_the_timeline_shows_what_the_resubmit_changed(
    client, member, proposal, girls, refugees
):
    send_back(proposal, member)
    edit_three_things(client, proposal, girls, refugees)

    submit_in_window(proposal, actor=member.user)

    page = client.get(reverse("events:detail", args=[proposal.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count("timeline-changes") == 1  # the resubmit only, not the first submit
    assert "3 changes since the last submission" in timeline
    assert shown_changes(timeline) == ["title", "focus_groups", "budget_lines"]
    # The partner's page gets the same list, and nothing is pending any more.
    # (from the timeline's audit entries it has read, newest first or not)
    entries = list(audit.entries_for(proposal))
    assert changes_in_last_resubmission(entries) == EXPECTED
    assert changes_in_last_resubmission(entries[::-1]) == EXPECTED
    assert changes_since_last_submission(proposal) == []


def test_a_failed_resubmit_keeps_showing_what_changed(client, member, proposal):
    send_back(proposal, member)
    save(client, proposal, "declarations", {"declarations-free_for_participants": "on"})

    response = client.post(reverse("events:submit", args=[proposal.pk]))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="accepts_conditions"' in page
    assert shown_changes(page) == ["accepts_conditions"]
    assert "Yes</del>" in page and "No</ins>" in page


def test_a_first_submission_shows_no_what_changed_block(client, member, proposal):
    review = client.get(reverse("events:submit", args=[proposal.pk])).content.decode()
    assert "What changed since you last submitted" not in review
    assert 'id="changes-since-submission"' not in review
    assert changes_since_last_submission(proposal) is None

    submit_in_window(proposal, actor=member.user)

    detail = client.get(reverse("events:detail", args=[proposal.pk])).content.decode()
    assert "Submitted" in detail
    assert "timeline-changes" not in detail and "since the last submission" not in detail
    assert changes_in_last_resubmission(list(audit.entries_for(proposal))) is None


def test_snapshot_round_trips_decimals_and_dates(member, proposal):
    submit_in_window(proposal, actor=member.user)

    stored = AuditEntry.objects.get(object_id=proposal.pk, action="proposal.submit").data
    snapshot = stored["snapshot"]
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert snapshot == proposal_snapshot(fresh)
    assert snapshot["requested_amount"] == "400.00"
    assert snapshot["budget_lines"][0] == {
        "category": "trainer",
        "description": "Trainers",
        "amount": "250.00",
    }
    assert snapshot["focus_groups"] == ["girls"] and snapshot["languages"] == ["fr"]
    values = load_snapshot(snapshot)
    assert (
        values["starts_at"]
        == fresh.starts_at
        == dt.datetime(PAST_YEAR, 9, 14, 10, tzinfo=LUXEMBOURG)
    )
    assert values["requested_amount"] == Decimal("400.00")
    assert [line["amount"] for line in values["budget_lines"]] == [Decimal(250), Decimal(150)]
    assert values["accepts_conditions"] is True and values["expected_participants"] == 20
    # The same moment in another time zone, and the same amount written differently, are no change.
    fresh.starts_at = fresh.starts_at.astimezone(dt.UTC)
    fresh.requested_amount = Decimal("400")
    assert diff_snapshots(snapshot, proposal_snapshot(fresh)) == []


def test_changes_read_as_people_read_them(member, proposal):
    submit_in_window(proposal, actor=member.user)
    before = latest_submitted_snapshot(proposal)
    proposal.format = "hackathon"
    proposal.starts_at = dt.datetime(PAST_YEAR, 9, 21, 14, 30, tzinfo=LUXEMBOURG)
    proposal.free_for_participants = False
    proposal.city = ""
    proposal.requested_amount = Decimal("350.00")

    changes = {
        change.field: change for change in diff_snapshots(before, proposal_snapshot(proposal))
    }

    assert set(changes) == {
        "format",
        "starts_at",
        "city",
        "free_for_participants",
        "requested_amount",
    }
    assert (changes["format"].before, changes["format"].after) == ("Coding workshop", "Hackathon")
    assert changes["starts_at"].section == "place"
    assert (changes["starts_at"].before, changes["starts_at"].after) == (
        f"14/09/{PAST_YEAR} 10:00",
        f"21/09/{PAST_YEAR} 14:30",
    )
    assert (changes["city"].before, changes["city"].after) == ("Luxembourg", "—")
    assert (changes["free_for_participants"].before, changes["free_for_participants"].after) == (
        "Yes",
        "No",
    )
    assert changes["requested_amount"].after == "EUR 350.00"


def test_the_stored_snapshot_is_read_with_one_query(member, proposal, django_assert_num_queries):
    submit_in_window(proposal, actor=member.user)
    with django_assert_num_queries(1):
        assert latest_submitted_snapshot(proposal)["title"] == "Scratch for beginners"
