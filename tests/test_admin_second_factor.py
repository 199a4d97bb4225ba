"""The admin signs in through the site's own login (allauth: its rate limits and its TOTP step),
and staff open no admin page without the second factor, as on the partner dashboard (issue 14)."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from organisations.models import PartnerStaff, User
from tests.factories import PASSWORD, PartnerStaffFactory, UserFactory, with_totp

pytestmark = pytest.mark.django_db

BUDGETS = "/admin/programmes/countryprogramme/"


@pytest.fixture
def superuser():
    user = User.objects.create_superuser("admin@example.org", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with_totp(user)
    return user


def _goes_to(response, name: str) -> str:
    """The ``next`` of a redirect to the named page (fails on any other answer)."""
    assert response.status_code == 302, response.status_code
    location = urlparse(response["Location"])
    assert location.path == reverse(name), response["Location"]
    return parse_qs(location.query).get("next", [""])[0]


def test_the_admin_login_page_is_the_sites_login(client):
    assert _goes_to(client.get("/admin/login/?next=/admin/"), "account_login") == "/admin/"


def test_the_admin_password_form_signs_nobody_in(client, superuser):
    response = client.post("/admin/login/", {"username": superuser.email, "password": PASSWORD})

    _goes_to(response, "account_login")
    assert "_auth_user_id" not in client.session


def test_a_visitor_asking_for_an_admin_page_is_sent_to_the_sites_login(client):
    assert _goes_to(client.get(BUDGETS), "account_login") == BUDGETS


def test_a_password_alone_does_not_open_the_admin(client, superuser):
    response = client.post(
        reverse("account_login"), {"login": superuser.email, "password": PASSWORD}
    )
    assert urlparse(response["Location"]).path == reverse("mfa_authenticate")  # the TOTP step

    page = client.get(BUDGETS)

    assert page.status_code == 302 and "/admin/" not in urlparse(page["Location"]).path


def test_a_superuser_without_the_second_factor_cannot_open_the_budgets(client, superuser):
    client.force_login(superuser)  # signed in, the TOTP step not passed

    response = client.get(BUDGETS)

    assert _goes_to(response, "mfa_reauthenticate") == BUDGETS
    assert b"Luxembourg" not in response.content


def test_a_superuser_with_the_second_factor_opens_the_budgets(client, superuser, two_factor_login):
    two_factor_login(client, superuser)

    assert client.get(BUDGETS).status_code == 200


def test_a_superuser_without_an_authenticator_is_asked_to_set_one_up(client):
    client.force_login(User.objects.create_superuser("new.admin@example.org", PASSWORD))

    assert _goes_to(client.get("/admin/"), "mfa_activate_totp") == "/admin/"


def test_partner_staff_let_into_the_admin_need_the_second_factor(client, two_factor_login):
    staff = PartnerStaffFactory(role=PartnerStaff.Role.MANAGER, user__is_staff=True).user
    with_totp(staff)
    client.force_login(staff)
    resources = reverse("admin:events_resource_changelist")

    assert _goes_to(client.get(resources), "mfa_reauthenticate") == resources
    assert two_factor_login(client, staff).get(resources).status_code == 200


def test_the_admin_login_sends_staff_on_to_the_second_factor_then_back(
    client, superuser, two_factor_login
):
    client.force_login(superuser)
    login = f"/admin/login/?next={BUDGETS}"

    assert _goes_to(client.get(login), "mfa_reauthenticate") == login
    response = two_factor_login(client, superuser).get(login)
    assert response.status_code == 302 and response["Location"] == BUDGETS


def test_people_who_are_not_staff_are_refused(client):
    client.force_login(UserFactory())

    assert client.get(BUDGETS).status_code == 403
    assert client.get("/admin/login/").status_code == 403
