"""The applicant's dashboard lists their organisations' proposals with the next thing to do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal
from tests.factories import MembershipFactory, ProposalFactory
from tests.kept_fragments import count_renders

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("organisations:mine")


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize(
    ("status", "next_step", "link_name"),
    [
        ("draft", "Complete and submit it", "events:edit"),
        ("changes_requested", "Make the changes the partner asked for", "events:edit"),
        ("submitted", "Wait for the national partner&#x27;s decision", "events:detail"),
        ("withdrawn", "", "events:detail"),
    ],
)
def test_each_proposal_shows_its_status_and_next_step(client, member, status, next_step, link_name):
    proposal = ProposalFactory(organisation=member.organisation, title="Robots in the library")
    Proposal.objects.filter(pk=proposal.pk).update(status=status)

    page = client.get(DASHBOARD_URL).content.decode()

    assert "Robots in the library" in page
    assert reverse(link_name, args=[proposal.pk]) in page
    assert next_step in page


def test_proposals_of_other_organisations_are_not_listed(client, member):
    ProposalFactory(title="Somebody else's hackathon")
    ProposalFactory(organisation=member.organisation, title="Our coding night")

    page = client.get(DASHBOARD_URL).content.decode()

    assert "Our coding night" in page
    assert "Somebody else" not in page


def test_the_list_costs_the_same_queries_for_one_or_many_proposals(client, member):
    ProposalFactory(organisation=member.organisation)
    with CaptureQueriesContext(connection) as one:
        client.get(DASHBOARD_URL)
    ProposalFactory.create_batch(20, organisation=member.organisation)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DASHBOARD_URL)

    assert len(many.captured_queries) == len(one.captured_queries)
    assert response.content.decode().count("list-group-item") == 20  # a page; the 21st after


def test_older_proposals_are_a_page_further_and_none_is_lost(client, member):
    proposals = ProposalFactory.create_batch(23, organisation=member.organisation)
    # newest change first: the proposal changed last opens the list
    for n, proposal in enumerate(proposals):
        Proposal.objects.filter(pk=proposal.pk).update(title=f"Coding club {n:02d}")
    Proposal.objects.filter(pk=proposals[0].pk).update(updated_at=timezone.now())

    first = client.get(DASHBOARD_URL).content.decode()
    second = client.get(DASHBOARD_URL + "?proposals=2").content.decode()

    def listed(page):
        return [n for n in range(23) if f"Coding club {n:02d}" in page]

    # the one changed last, then the others newest first (created later, changed later)
    assert listed(first) == [0, *range(4, 23)]
    assert first.index("Coding club 00") < first.index("Coding club 22")
    assert "?proposals=2" in first and "Newer proposals" not in first
    assert listed(second) == [1, 2, 3]
    assert "Older proposals" not in second and "?proposals=1" in second


@pytest.mark.parametrize("page", ["0", "-3", "two", "99999999999999999999"])
def test_a_page_number_edited_by_hand_opens_the_first_page(client, member, page):
    ProposalFactory(organisation=member.organisation, title="Our coding night")

    response = client.get(DASHBOARD_URL, {"proposals": page})

    assert response.status_code == 200
    assert "Our coding night" in response.content.decode()


def test_past_the_last_page_says_so_and_links_back(client, member):
    ProposalFactory(organisation=member.organisation, title="Our coding night")

    page = client.get(DASHBOARD_URL, {"proposals": "5"}).content.decode()

    assert "No older proposals." in page and "?proposals=4" in page
    assert "Our coding night" not in page


def test_an_approved_proposal_offers_its_award_letter_once_built(client, member):
    from grants.letters import build_award_letter
    from tests.factories import GrantFactory

    proposal = ProposalFactory(organisation=member.organisation, status="approved")
    grant = GrantFactory(proposal=proposal)
    letter_link = reverse("letters:download", args=[grant.pk])
    assert letter_link not in client.get(DASHBOARD_URL).content.decode()

    build_award_letter(grant.pk)

    page = client.get(DASHBOARD_URL).content.decode()
    assert letter_link in page and "Award letter (PDF)" in page
    assert client.get(letter_link)["Content-Type"] == "application/pdf"


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The titles whose dashboard line the template rendered (not taken from the kept ones)."""
    from grants import dashboard

    return count_renders(monkeypatch, dashboard, "kept_rows", lambda values: values["title"])


def test_a_line_is_rendered_once_and_a_change_shows_at_once(client, member, renders):
    proposal = ProposalFactory(organisation=member.organisation, title="Robots in the library")
    first = client.get(DASHBOARD_URL).content.decode()
    second = client.get(DASHBOARD_URL).content.decode()
    assert renders == ["Robots in the library"]  # the second look took the kept line
    assert _lines(first) == _lines(second)
    assert "Robots in the library" in _lines(second)

    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.SUBMITTED)
    third = client.get(DASHBOARD_URL).content.decode()
    assert "Wait for the national partner&#x27;s decision" in third
    assert "Complete and submit it" not in third
    assert reverse("events:detail", args=[proposal.pk]) in third

    german = client.get("/de" + DASHBOARD_URL).content.decode()
    assert "Auf die Entscheidung des nationalen Partners warten" in _lines(german)
    assert len(renders) == 3


def _lines(page: str) -> str:
    start = page.index('<ul class="list-group">')
    return page[start : page.index("</ul>", start)]


def test_the_kept_queries_read_what_changed_since_the_last_visit(client, member):
    """The dashboard's two queries are built once and kept (issue 19; the proposals' one for
    everyone, the memberships' per person): a proposal and a join request added between two
    visits show on the second, and neither the second visit nor another person's builds the
    proposals' query again."""
    from grants import dashboard
    from organisations import selectors
    from organisations.models import Membership

    MembershipFactory(organisation=member.organisation, role=Membership.Role.OWNER)
    member.role = Membership.Role.OWNER
    member.save()
    ProposalFactory(organisation=member.organisation, title="Robots first")
    client.get(DASHBOARD_URL)
    built = (
        dashboard._listing.cache_info().misses,
        selectors._my_memberships.cache_info().misses,
    )

    ProposalFactory(organisation=member.organisation, title="Painting with code second")
    asking = MembershipFactory(
        organisation=member.organisation, status=Membership.Status.REQUESTED
    ).user
    page = client.get(DASHBOARD_URL).content.decode()

    assert "Robots first" in page and "Painting with code second" in page
    assert asking.email in page
    again = (
        dashboard._listing.cache_info().misses,
        selectors._my_memberships.cache_info().misses,
    )
    assert again == built
    other = MembershipFactory()
    ProposalFactory(organisation=other.organisation, title="Robots of another club")
    client.force_login(other.user)
    page = client.get(DASHBOARD_URL).content.decode()
    assert "Robots of another club" in page and "Robots first" not in page
    assert dashboard._listing.cache_info().misses == built[0]
