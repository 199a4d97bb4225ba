"""Partner and programme staff read their notifications in the partner area
(/partner/notifications/), not on the applicants' "My organisation" page; each person only
their own."""

import re

import pytest
from django.urls import reverse

from organisations.models import Notification, PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

NOTIFICATIONS_URL = reverse("grants:notifications")


@pytest.fixture
def luxembourg():
    return CountryProgrammeFactory(country="LU")


@pytest.fixture
def reviewer(luxembourg):
    return PartnerStaffFactory(partner=luxembourg.partner, role=PartnerStaff.Role.REVIEWER).user


def _submitted(programme, title: str):
    proposal = ProposalFactory(country_programme=programme, title=title)
    submit_in_window(proposal)
    return proposal


def test_a_reviewer_reads_their_notifications_on_a_page_of_their_own(
    client, two_factor_login, luxembourg, reviewer
):
    _submitted(luxembourg, "Robots in Esch")
    two_factor_login(client, reviewer)

    response = client.get(NOTIFICATIONS_URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Robots in Esch" in page.split('id="notifications"', 1)[1]
    assert "Register your organisation" not in page
    assert reverse("organisations:create") not in page


def test_nobody_sees_another_persons_notifications(client, two_factor_login, luxembourg, reviewer):
    belgium = CountryProgrammeFactory(country="BE", edition=luxembourg.edition)
    other = PartnerStaffFactory(partner=belgium.partner, role=PartnerStaff.Role.MANAGER).user
    _submitted(luxembourg, "Robots in Esch")
    _submitted(belgium, "Scratch in Gent")
    Notification.objects.create(
        recipient=UserFactory(), kind="proposal_submitted", context={"proposal": "Secret plan"}
    )
    assert Notification.objects.filter(recipient=other).exists()

    two_factor_login(client, reviewer)
    page = client.get(NOTIFICATIONS_URL).content.decode()

    assert "Robots in Esch" in page
    assert "Scratch in Gent" not in page
    assert "Secret plan" not in page


def test_the_staff_bell_points_to_the_staff_page_and_the_applicants_to_theirs(
    client, two_factor_login, luxembourg, reviewer
):
    two_factor_login(client, reviewer)
    staff_page = client.get(reverse("grants:dashboard")).content.decode()
    client.logout()
    applicant = MembershipFactory().user
    client.force_login(applicant)
    applicant_page = client.get(reverse("organisations:mine")).content.decode()

    staff_bell = re.search(r'id="nav-notifications" href="([^"]+)"', staff_page).group(1)
    applicant_bell = re.search(r'id="nav-notifications" href="([^"]+)"', applicant_page).group(1)
    assert staff_bell == NOTIFICATIONS_URL
    assert applicant_bell == reverse("organisations:mine") + "#notifications"
    assert f'href="{NOTIFICATIONS_URL}"' in staff_page.split("<main", 1)[1]  # the dashboard too


def test_someone_who_is_staff_and_a_member_is_pointed_to_the_staff_page(
    client, two_factor_login, reviewer
):
    MembershipFactory(user=reviewer)
    two_factor_login(client, reviewer)

    page = client.get(reverse("organisations:mine")).content.decode()

    assert f'id="nav-notifications" href="{NOTIFICATIONS_URL}"' in page


def test_applicants_and_visitors_cannot_open_the_staff_page(client):
    assert client.get(NOTIFICATIONS_URL).status_code == 302  # to the login
    client.force_login(MembershipFactory().user)
    assert client.get(NOTIFICATIONS_URL).status_code == 403
