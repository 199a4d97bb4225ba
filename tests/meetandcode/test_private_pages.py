"""Pages with personal data are never kept by a cache: every answer to a signed-in person says
``Cache-Control: private, no-store`` (meetandcode.middleware.PrivatePagesMiddleware), unless the
view set its own; what anonymous visitors get, and may be kept, is left as it was."""

import pytest
from django.urls import reverse

from organisations.models import PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

PRIVATE = "private, no-store"


@pytest.fixture
def owner_client(client):
    membership = MembershipFactory()
    proposal = ProposalFactory(organisation=membership.organisation)
    client.force_login(membership.user)
    client.proposal = proposal
    return client


def test_the_organisation_page_is_private(owner_client):
    organisation = owner_client.proposal.organisation
    response = owner_client.get(reverse("organisations:detail", args=[organisation.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_proposal_page_is_private(owner_client):
    response = owner_client.get(reverse("events:edit", args=[owner_client.proposal.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("page", ["grants:dashboard", "grants:payments"])
def test_the_partner_queue_and_payments_are_private(client, two_factor_login, page):
    programme = CountryProgrammeFactory()
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    two_factor_login(client, manager)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_cache_control_of_the_view_is_kept(owner_client):
    # The feeds are public whoever reads them.
    response = owner_client.get(reverse("feeds:csv"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_the_home_page_for_a_visitor_is_not_no_store(client):
    for _ in range(2):  # rendered, then served from the kept pages
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
        assert "private" not in response.get("Cache-Control", "")
