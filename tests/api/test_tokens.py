"""Personal API tokens: made on a page that needs the second factor, shown once, kept only as
a digest, used over real HTTP (last use shown), refused once revoked or expired, limited in
rate, and never another person's to revoke."""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetandcode.api.models import ApiToken
from organisations.audit import Action
from organisations.models import AuditEntry
from tests.api.http import get
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    log_in_with_second_factor,
    with_totp,
)

pytestmark = pytest.mark.django_db

PAGE = "api_tokens:list"


@pytest.fixture
def manager():
    programme = CountryProgrammeFactory(country="LU")
    return PartnerStaffFactory(partner=programme.partner, role="manager").user


def make_token(client, **fields) -> tuple[str, object]:
    """Fill in the form as a person would; the answer shows the token once."""
    expires = timezone.localdate() + dt.timedelta(days=30)
    data = {"name": "Our CRM", "scope": "read", "expires_on": expires.isoformat()} | fields
    answer = client.post(reverse(PAGE), data)
    return answer, re.search(r"mcg_[A-Za-z0-9_-]{43}", answer.content.decode())


def test_a_token_is_shown_once_and_kept_only_as_a_digest(client, manager):
    log_in_with_second_factor(client, manager)
    answer, found = make_token(client)

    assert answer.status_code == 200 and found, answer.content.decode()[:500]
    assert "no-store" in answer["Cache-Control"]
    plain = found.group(0)
    token = ApiToken.objects.get(user=manager)
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {token.prefix, token.digest, token.name}
    listing = client.get(reverse(PAGE)).content.decode()
    assert f"mcg_{plain[4:12]}" in listing and plain not in listing and "never used" in listing
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATE)
    assert entry.actor == manager and entry.object_id == token.pk


def test_making_a_token_needs_the_second_factor_and_a_staff_role(client, manager):
    with_totp(manager)
    client.force_login(manager)  # password only, an authenticator set up
    answer, found = make_token(client)
    assert answer.status_code == 302 and "reauthenticate" in answer["Location"] and not found

    applicant = MembershipFactory().user
    client.force_login(applicant)
    assert client.get(reverse(PAGE)).status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "  "}, "name", "This field is required"),
        ({"expires_on": "today"}, "expires_on", "after today"),
        ({"expires_on": "next week"}, "expires_on", "Enter a valid date"),
        ({"scope": "admin"}, "scope", "Select a valid choice"),
    ],
)
def test_a_wrong_field_is_named_and_what_was_typed_stays(client, manager, fields, field, words):
    log_in_with_second_factor(client, manager)
    today = timezone.localdate()
    if fields.get("expires_on") == "today":
        fields["expires_on"] = today.isoformat()
    answer, found = make_token(client, **fields)
    assert answer.status_code == 400 and not found
    errors = answer.context["form"].errors
    assert list(errors) == [field] and words in " ".join(errors[field])
    assert 'value="Our CRM"' in answer.content.decode() or field == "name"

    too_late = today + dt.timedelta(days=400)
    answer, _found = make_token(client, expires_on=too_late.isoformat())
    assert "within a year" in " ".join(answer.context["form"].errors["expires_on"])


@pytest.mark.django_db(transaction=True)
def test_a_token_works_over_http_until_revoked_and_shows_its_last_use(client, live_server, manager):
    log_in_with_second_factor(client, manager)
    plain = make_token(client)[1].group(0)
    me = f"{live_server.url}/api/v1/me/"

    answer = get(me, token=plain)
    assert answer.status == 200, answer.body
    assert answer.json() | {"expires_on": None} == {
        "email": manager.email,
        "token": "Our CRM",
        "scope": "read",
        "expires_on": None,
        "programme_staff": False,
        "countries": ["LU"],
        "managed_countries": ["LU"],
    }
    assert "last used" in client.get(reverse(PAGE)).content.decode()
    assert get(me).status == 401
    assert get(me, token=plain[:-1] + ("A" if plain[-1] != "A" else "B")).status == 401

    token = ApiToken.objects.get(user=manager)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    assert get(me, token=plain).status == 401
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKE, object_id=token.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_expired_token_or_a_person_gone_is_refused(client, live_server, manager):
    log_in_with_second_factor(client, manager)
    plain = make_token(client)[1].group(0)
    me = f"{live_server.url}/api/v1/me/"
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    ApiToken.objects.update(expires_on=yesterday)
    assert get(me, token=plain).status == 401
    ApiToken.objects.update(expires_on=timezone.localdate())
    assert get(me, token=plain).status == 200  # the last day counts
    type(manager).objects.filter(pk=manager.pk).update(is_active=False)
    assert get(me, token=plain).status == 401


def test_nobody_revokes_another_persons_token(client, manager):
    log_in_with_second_factor(client, manager)
    make_token(client)
    token = ApiToken.objects.get(user=manager)
    other = PartnerStaffFactory(partner=manager.partner_roles.first().partner).user

    log_in_with_second_factor(client, other)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.django_db(transaction=True)
def test_each_token_and_each_address_has_its_own_rate_limit(client, live_server, manager, settings):
    settings.API_RATE_PER_TOKEN, settings.API_RATE_PER_ADDRESS = "3/m", "2/m"
    log_in_with_second_factor(client, manager)
    first, second = (make_token(client, name=name)[1].group(0) for name in ("CRM", "Accounts"))
    me, events = f"{live_server.url}/api/v1/me/", f"{live_server.url}/api/v1/events/"

    assert [get(me, token=first).status for _ in range(4)] == [200, 200, 200, 429]
    refused = get(me, token=first)
    assert refused.status == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert get(me, token=second).status == 200  # another token counts apart
    assert [get(events).status for _ in range(3)] == [200, 200, 429]  # no token: the address
    assert get(events, token=second).status == 200
    assert get(events, token=second + "x").status == 401  # a token that does not work: said
