"""Accounts through allauth: sign-up with verification, rate limits, password reset, two-factor.

Every test drives the pages with the test client, the way a person would, and reads the mails
from the outbox.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from organisations.models import PartnerStaff, User
from tests.factories import PASSWORD, PartnerStaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kites-over-the-harbour-42"


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _sign_up(client, email, password=NEW_PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password, "accept_privacy": "on"},
    )


def _link(mail, path_start):
    """The path of the first link in the mail's text that starts with ``path_start``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", mail.body)
    assert match, mail.body
    return match.group(1)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_sign_up_sends_a_verification_mail_whose_link_verifies_and_logs_in(client, mailoutbox):
    response = _sign_up(client, "volunteer@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_as(client) is None
    assert [mail.to for mail in mailoutbox] == [["volunteer@example.org"]]

    link = _link(mailoutbox[0], "/accounts/confirm-email/")
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)

    person = User.objects.get(email="volunteer@example.org")
    assert response.status_code == 302
    assert _logged_in_as(client) == str(person.pk)
    assert EmailAddress.objects.get(user=person).verified


def test_sign_up_refuses_a_common_password(client, mailoutbox):
    response = _sign_up(client, "volunteer@example.org", password="password123")

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="volunteer@example.org").exists()
    assert mailoutbox == []


def test_sixth_failed_login_for_an_account_is_refused_while_another_account_logs_in(client):
    target = _verified(UserFactory())
    other = _verified(UserFactory())

    for _ in range(5):
        response = _log_in(client, target.email, password="wrong-guess")
        assert response.status_code == 200
        assert "too many" not in response.content.decode().lower()

    # The sixth try is refused even with the right password: the account is locked for a minute.
    response = _log_in(client, target.email)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert _logged_in_as(client) is None

    response = _log_in(client, other.email)
    assert response.status_code == 302
    assert _logged_in_as(client) == str(other.pk)


def test_sign_up_is_limited_per_address(client, mailoutbox):
    for n in range(5):
        assert _sign_up(client, f"volunteer{n}@example.org").status_code == 302
        client.logout()

    response = _sign_up(client, "one-too-many@example.org")

    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert not User.objects.filter(email="one-too-many@example.org").exists()
    assert len(mailoutbox) == 5


def test_password_reset_sends_a_mail_whose_link_sets_a_new_password(client, mailoutbox):
    person = _verified(UserFactory())

    response = client.post(reverse("account_reset_password"), {"email": person.email})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [[person.email]]
    link = _link(mailoutbox[0], "/accounts/password/reset/key/")
    # allauth moves the key from the address into the session, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()
    assert _log_in(client, person.email, password=NEW_PASSWORD).status_code == 302


def test_password_reset_is_limited_per_address(client, mailoutbox):
    for n in range(5):
        response = client.post(reverse("account_reset_password"), {"email": f"p{n}@example.org"})
        assert response.status_code == 302

    response = client.post(reverse("account_reset_password"), {"email": "p9@example.org"})

    assert response.status_code == 429
    assert len(mailoutbox) == 5


def test_account_menu_reaches_email_password_and_two_factor_pages(client):
    person = _verified(UserFactory())
    _log_in(client, person.email)

    page = client.get(reverse("account_email"))

    assert page.status_code == 200
    html = page.content.decode()
    for name in ("account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in html
    assert client.get(reverse("account_change_password")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def _reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_changing_the_email_asks_for_the_password_again(client, mailoutbox):
    person = _verified(UserFactory())
    _log_in(client, person.email)
    change = {"action_add": "", "email": "new@example.org"}

    response = client.post(reverse("account_email"), change)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert mailoutbox == []
    _reauthenticate(client)
    assert client.post(reverse("account_email"), change).status_code == 302
    assert [mail.to for mail in mailoutbox] == [["new@example.org"]]


def _current_code(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


# Committed for real: allauth sends its notice mail on commit, inside the request.
@pytest.mark.django_db(transaction=True)
def test_totp_can_be_activated_and_login_then_asks_for_the_code(client, mailoutbox, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30 s boundary still counts
    person = _verified(UserFactory())
    _log_in(client, person.email)
    _reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    # The person is told by mail, so a takeover that adds an authenticator does not go unseen.
    assert [mail.subject for mail in mailoutbox if mail.to == [person.email]] == [
        "[Meet and Code] Authenticator App Activated"
    ]
    client.post(reverse("account_logout"))
    response = _log_in(client, person.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _logged_in_as(client) is None
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_partner_staff_start_at_the_review_dashboard_and_applicants_as_before(client):
    staff = _verified(UserFactory())
    PartnerStaffFactory(user=staff, role=PartnerStaff.Role.REVIEWER)
    applicant = _verified(UserFactory())

    staff_lands = _log_in(client, staff.email)["Location"]
    client.logout()
    applicant_lands = _log_in(client, applicant.email)["Location"]
    client.logout()
    asked = client.post(
        reverse("account_login") + "?next=/my/",
        {"login": staff.email, "password": PASSWORD, "next": "/my/"},
    )["Location"]

    assert staff_lands == reverse("grants:dashboard")
    assert applicant_lands == reverse("home")
    assert asked == "/my/"  # where the person was going wins
