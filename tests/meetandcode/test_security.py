"""Security protections, each proven by what an attacker (or a careless template) would meet.

Content-Security-Policy with nonces, the letter renderer's time limit, rate limits on our own
views, decorated common passwords, and re-authentication before sensitive account changes.
"""

import datetime as dt
import re
import time

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants import letters
from grants.letters import ResourceRefused, StaticOnlyFetcher
from grants.tasks import build_award_letter_task
from meetandcode.kernel import ratelimit
from organisations.password_validation import DecoratedCommonPasswordValidator
from tests.factories import (
    PASSWORD,
    CountryProgrammeFactory,
    MembershipFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


# --- Content-Security-Policy ----------------------------------------------------------------


def test_pages_carry_a_strict_policy_whose_nonce_the_scripts_use(client):
    response = client.get(reverse("events:list"))

    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    nonce = re.fullmatch(r"'nonce-([^']+)'", policy["script-src"][1]).group(1)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    html = response.content.decode()
    # htmx's own script tag carries this response's nonce; a nonce is new for every response.
    assert f'nonce="{nonce}"' in html
    again = _directives(client.get(reverse("events:list"))["Content-Security-Policy"])
    assert again["script-src"][1] != policy["script-src"][1]
    # htmx would inject a <style> the policy refuses: it is told not to.
    assert '"includeIndicatorStyles": false' in html


def test_every_inline_script_in_the_templates_has_the_nonce():
    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag and "csp_nonce" not in tag and "application/json" not in tag:
                offenders.append(f"{path.name}: {tag}")
    assert offenders == []


def test_the_embeddable_map_may_be_framed_but_keeps_the_rest_of_the_policy(client):
    response = client.get(reverse("events:embed_map"))

    policy = _directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["*"]
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]


# --- HSTS, cookies and the like (the production values are in test_production_settings) ------


def test_responses_forbid_sniffing_and_share_no_full_referrer(client):
    response = client.get(reverse("events:list"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Award letters: a render that goes on too long is refused -------------------------------


def test_the_letter_fetcher_refuses_files_once_the_render_is_past_its_time_limit():
    url = letters.static_base_url() + "img/favicon.svg"
    fetcher = StaticOnlyFetcher(time_limit=30)
    assert fetcher.fetch(url).status == 200

    fetcher.deadline = time.monotonic() - 1
    with pytest.raises(ResourceRefused, match="too long"):
        fetcher.fetch(url)


def test_the_default_render_limit_comes_from_the_settings(settings):
    settings.LETTER_RENDER_TIME_LIMIT = 0.0
    fetcher = StaticOnlyFetcher()
    time.sleep(0.01)
    with pytest.raises(ResourceRefused):
        fetcher.fetch(letters.static_base_url() + "img/favicon.svg")


def test_the_letter_task_is_stopped_when_it_runs_too_long():
    assert 0 < build_award_letter_task.soft_time_limit < build_award_letter_task.time_limit
    assert build_award_letter_task.time_limit <= 120


# --- Rate limits ----------------------------------------------------------------------------


def test_rate_specs_are_checked_when_read():
    assert ratelimit.parse_rates("10/m/ip, 3/h/user") == [
        ratelimit.Rate(10, 60, "ip"),
        ratelimit.Rate(3, 3600, "user"),
    ]
    with pytest.raises(ValueError):
        ratelimit.parse_rates("10/m/planet")


def _redeem(client, membership, code="AAAA-BBBB-CCCC-DDDD"):
    url = reverse("organisations:redeem_token", args=[membership.organisation.pk])
    return client.post(url, {"code": code})


def test_validation_codes_cannot_be_guessed_from_one_account(client):
    membership = MembershipFactory()
    client.force_login(membership.user)

    for _ in range(10):
        response = _redeem(client, membership)
        assert response.status_code == 200  # the form again, with the reason next to the field

    response = _redeem(client, membership)
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_validation_codes_cannot_be_guessed_from_one_address_with_many_accounts(client):
    for _ in range(2):
        membership = MembershipFactory()
        client.force_login(membership.user)
        for _ in range(10):
            assert _redeem(client, membership).status_code == 200

    fresh = MembershipFactory()
    client.force_login(fresh.user)
    assert _redeem(client, fresh).status_code == 429
    # Another address is not held back by this one's guessing.
    other_address = _redeem_from(client, fresh, "203.0.113.9")
    assert other_address.status_code == 200


def _redeem_from(client, membership, address):
    url = reverse("organisations:redeem_token", args=[membership.organisation.pk])
    return client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR=address)


@pytest.fixture
def draft(client):
    programme = CountryProgrammeFactory()
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    membership = MembershipFactory()
    client.force_login(membership.user)
    return ProposalFactory(organisation=membership.organisation)


def _autosave(client, proposal, n):
    url = reverse("events:save_section", args=[proposal.pk, "event"])
    return client.post(
        url,
        {"event-title": f"Robots at the library {n}", "event-description": "", "event-format": ""},
        headers={"HX-Request": "true"},
    )


def test_proposal_autosave_keeps_up_with_typing_but_refuses_a_flood(client, draft):
    # A minute of steady typing, one autosave a second, is fine...
    for n in range(60):
        assert _autosave(client, draft, n).status_code == 200
    # ...a script posting as fast as it can is stopped within the same minute.
    answers = [_autosave(client, draft, n).status_code for n in range(60, 130)]
    assert answers.count(200) == 60
    assert answers[-1] == 429
    draft.refresh_from_db()
    assert draft.title == "Robots at the library 119"


def test_a_cache_fault_lets_requests_through(client, draft, monkeypatch):
    class BrokenCache:
        def add(self, *args, **kwargs):
            raise ConnectionError("Redis does not answer")

    monkeypatch.setattr(ratelimit, "cache", BrokenCache())
    assert _autosave(client, draft, 1).status_code == 200


# --- Passwords ------------------------------------------------------------------------------


# People decorate a common word with the year: this one and the ones before.
THIS_YEAR = timezone.localdate().year


@pytest.mark.parametrize(
    "password",
    [
        f"Password{THIS_YEAR - 2}!",
        "p@ssw0rd",
        "Qwerty123?",
        "!!dragon99",
        f"MeetAndCode-{THIS_YEAR}",
    ],
)
def test_common_passwords_with_decorations_are_refused(password):
    with pytest.raises(ValidationError):
        DecoratedCommonPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["kites-over-the-harbour-42", "Tr0ub4dor&3x", PASSWORD])
def test_uncommon_passwords_pass(password):
    DecoratedCommonPasswordValidator().validate(password)


def test_sign_up_refuses_a_decorated_common_password(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": f"Sunshine{THIS_YEAR}!",
            "password2": f"Sunshine{THIS_YEAR}!",
            "accept_privacy": "on",
        },
    )

    assert response.status_code == 200
    assert "common one with a few changes" in response.content.decode()
    assert not EmailAddress.objects.filter(email="new@example.org").exists()


# --- Re-authentication ----------------------------------------------------------------------


def _logged_in_long_ago(client):
    """A session whose password login is older than the re-authentication window."""
    person = UserFactory()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= account_settings.REAUTHENTICATION_TIMEOUT + 60
    session.save()
    return person


def _asks_for_the_password(response):
    return response.status_code == 302 and response["Location"].startswith(
        reverse("account_reauthenticate")
    )


def test_two_factor_settings_ask_for_the_password_again(client):
    _logged_in_long_ago(client)

    assert _asks_for_the_password(client.get(reverse("mfa_activate_totp")))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_changing_the_email_asks_for_the_password_again(client):
    _logged_in_long_ago(client)
    change = {"action_add": "", "email": "new@example.org"}

    assert _asks_for_the_password(client.post(reverse("account_email"), change))
    assert not EmailAddress.objects.filter(email="new@example.org").exists()


def test_changing_the_password_needs_the_current_one(client):
    person = _logged_in_long_ago(client)
    new = "kites-over-the-harbour-42"

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": new, "password2": new},
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
