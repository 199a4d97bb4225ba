"""allauth's account e-mails name the site from the settings (SITE_NAME, the host of SITE_URL)
and come from DEFAULT_FROM_EMAIL, in every language, whatever host the request came in on."""

import os
import re
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://grants.example.net"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = "Code Week Grants"


def _person(language: str):
    user = UserFactory(language=language)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    ("prefix", "greeting"),
    [("", "Hello from Code Week Grants!"), ("/de", "Hallo von Code Week Grants!")],
)
def test_a_password_reset_mail_names_the_site_from_the_settings(
    client, mailoutbox, prefix, greeting
):
    person = _person(language=prefix.strip("/") or "en")

    response = client.post(f"{prefix}/accounts/password/reset/", {"email": person.email})

    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == [person.email]
    assert mail.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert greeting in mail.body
    assert "grants.example.net" in mail.body
    assert f"{prefix}/accounts/password/reset/key/" in mail.body
    # Its links are on the host the request came in on; its words name no host but ours.
    words = re.sub(r"https?://\S+", "", mail.body)
    assert "testserver" not in words and "127.0.0.1" not in words


def test_the_sender_defaults_to_the_site_name_at_the_site_host():
    """Read from a fresh process: settings are computed once, from the environment."""
    env = {**os.environ, "SITE_URL": "https://grants.example.net:8443", "SITE_NAME": "Our Grants"}
    env.pop("DEFAULT_FROM_EMAIL", None)
    code = "from meetandcode import settings; print(settings.DEFAULT_FROM_EMAIL)"

    found = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert found.stdout.strip() == "Our Grants <grants@grants.example.net>"
