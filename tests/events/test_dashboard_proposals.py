"""The applicant's dashboard lists their organisations' proposals with the next thing to do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Proposal
from tests.factories import MembershipFactory, ProposalFactory

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
    assert response.content.decode().count("list-group-item") == 21


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
