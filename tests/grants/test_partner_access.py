"""Every URL of the partner dashboard (the ``grants`` namespace, whoever added it) asked by each
kind of visitor: the right partner gets in, a partner of another country gets 404, an applicant
403 or 404, an anonymous visitor the login page. And staff need two-factor authentication."""

import time
from urllib.parse import urlparse

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.models import Proposal
from organisations.models import OrganisationValidation, PartnerStaff
from organisations.permissions import second_factor_missing
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
    with_totp,
)

pytestmark = pytest.mark.django_db

# Which object a URL's <pk> names, by a word of its path. A new kind of URL must be added here:
# the test fails until it is, rather than leaving the URL unchecked.
PK_KINDS = {
    "proposals/": "proposal",
    "validations/": "validation",
    "organisations/": "organisation",
    "programmes/": "programme",
    "messages/": "message",  # a message text of the partner's country (grants:message_edit)
}


def _grants_patterns() -> list[tuple[str, str]]:
    """(name, route) of every URL in the grants namespace, nested includes too."""
    prefix, resolver = get_resolver().namespace_dict["grants"]
    found = []

    def walk(patterns, route):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((pattern.name, route + str(pattern.pattern)))

    walk(resolver.url_patterns, "")
    return found


GRANTS_URLS = _grants_patterns()


def _kind(route: str) -> str | None:
    if "<" not in route:
        return None
    for word, kind in PK_KINDS.items():
        if word in route:
            return kind
    raise AssertionError(f"tests/grants/test_partner_access.py: map the <pk> of {route!r}")


class World:
    """Luxembourg's partner and a proposal there; Belgium's partner; the applicant."""

    def __init__(self):
        edition = EditionFactory(year=PAST_YEAR)
        lu = CountryProgrammeFactory(edition=edition, country="LU")
        be = CountryProgrammeFactory(edition=edition, country="BE")
        self.applicant = UserFactory()
        organisation = OrganisationFactory(country="LU", name="Luxembourg Coders ASBL")
        MembershipFactory(user=self.applicant, organisation=organisation)
        self.proposal = ProposalFactory(
            organisation=organisation,
            country_programme=lu,
            status=Proposal.Status.SUBMITTED,
            title="Robots in Esch",
        )
        self.validation = OrganisationValidation.objects.create(
            organisation=organisation, edition=edition
        )
        self.right = PartnerStaffFactory(partner=lu.partner, role=PartnerStaff.Role.MANAGER).user
        self.other = PartnerStaffFactory(partner=be.partner, role=PartnerStaff.Role.MANAGER).user
        for partner in (lu.partner, be.partner):  # both edit their own countries' messages
            partner.may_edit_messages = True
            partner.save()
        self.objects = {
            "proposal": self.proposal,
            "validation": self.validation,
            "organisation": organisation,
            "programme": lu,
        }

    def url(self, name: str, route: str) -> str:
        kind = _kind(route)
        if kind is None:
            return reverse(f"grants:{name}")
        if kind == "message":
            return reverse(f"grants:{name}", args=["proposal_approved", "de"]) + "?country=LU"
        kwargs = {"pk": self.objects[kind].pk}
        if "<str:kind>" in route:  # an integrity signal's kind (grants:check_signal)
            kwargs["kind"] = "bank_account"
        return reverse(f"grants:{name}", kwargs=kwargs)


@pytest.fixture
def world():
    return World()


def _as(user) -> Client:
    client = Client()
    if user is not None:
        log_in_with_second_factor(client, user)
    return client


def _method(world, url) -> str:
    """GET where the view answers it; POST for the actions (they refuse GET with 405)."""
    return "post" if _as(world.right).get(url).status_code == 405 else "get"


def test_the_dashboard_has_urls_to_check():
    names = {name for name, _route in GRANTS_URLS}
    assert {"dashboard", "proposal", "export_csv", "export_xlsx"} <= names


# Programme staff's own pages under /partner/: every partner is refused (403).
PROGRAMME_STAFF_ONLY = {"question_preview"}


@pytest.mark.parametrize(("name", "route"), GRANTS_URLS, ids=[n for n, _r in GRANTS_URLS])
def test_every_dashboard_url_by_each_kind_of_visitor(world, name, route):
    url = world.url(name, route)
    if name in PROGRAMME_STAFF_ONLY:
        for person in (world.right, world.other, world.applicant):
            assert _as(person).get(url).status_code == 403, (url, person)
        staff = UserFactory(is_programme_staff=True)
        assert _as(staff).get(url).status_code == 200
        return
    method = _method(world, url)

    right = getattr(_as(world.right), method)(url)
    if method == "get":
        assert right.status_code == 200, (url, right.status_code)
    else:  # an action with no data: a form with errors or a confirmation, never a refusal
        assert right.status_code in (200, 302, 400), (url, right.status_code)

    other = getattr(_as(world.other), method)(url)
    if _kind(route):
        assert other.status_code == 404, (url, other.status_code)
    else:  # a list: the other country's partner sees only their own (here: nothing of LU)
        assert other.status_code in (200, 302, 400), (url, other.status_code)
        body = b"".join(other.streaming_content) if other.streaming else other.content
        assert b"Robots in Esch" not in body
        assert b"Luxembourg Coders" not in body

    applicant = getattr(_as_plain(world.applicant), method)(url)
    assert applicant.status_code in (403, 404), (url, applicant.status_code)

    anonymous = getattr(Client(), method)(url)
    assert anonymous.status_code == 302, (url, anonymous.status_code)
    assert urlparse(anonymous["Location"]).path == reverse("account_login")


def _as_plain(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_link_appears_in_the_navigation_for_partner_staff(world):
    page = _as(world.right).get(reverse("grants:dashboard"))
    assert f'href="{reverse("grants:dashboard")}"'.encode() in page.content


# --- Two-factor authentication -------------------------------------------------------------


def test_a_partner_without_an_authenticator_is_sent_to_set_one_up(world):
    client = _as_plain(world.right)
    response = client.get(reverse("grants:dashboard"), follow=False)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_activate_totp")
    # allauth first asks for the password again (activation is a sensitive change), and the
    # page says why the person was sent there.
    followed = client.get(response["Location"], follow=True)
    assert followed.status_code == 200
    assert b"needs two-factor authentication" in followed.content


def test_a_partner_with_an_authenticator_must_pass_it_in_this_session(world):
    # Logged in some other way than allauth's login (which asks for the code): no "mfa" step.
    with_totp(world.right)
    client = _as_plain(world.right)
    session = client.session
    later = time.time() + 60  # logged in after the authenticator was activated
    session["account_authentication_methods"] = [{"method": "password", "at": later}]
    session["account_authentication_methods_user"] = str(world.right.pk)
    session.save()
    response = client.get(reverse("grants:proposal", args=[world.proposal.pk]))
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_reauthenticate")


def test_an_authenticator_activated_in_this_session_counts(world):
    client = _as_plain(world.right)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": 1.0}]
    session["account_authentication_methods_user"] = str(world.right.pk)
    session.save()
    with_totp(world.right)  # activated after the login above
    assert client.get(reverse("grants:dashboard")).status_code == 200


def test_programme_staff_need_two_factor_too(world):
    staff = UserFactory(is_programme_staff=True)
    response = _as_plain(staff).get(reverse("grants:dashboard"))
    assert urlparse(response["Location"]).path == reverse("mfa_activate_totp")
    assert _as(staff).get(reverse("grants:proposal", args=[world.proposal.pk])).status_code == 200


def test_the_demo_partner_may_skip_two_factor_only_with_debug_on(world, settings):
    world.right.is_demo = True
    world.right.save()
    client = _as_plain(world.right)
    settings.DEBUG = True
    assert client.get(reverse("grants:dashboard")).status_code == 200
    settings.DEBUG = False
    response = client.get(reverse("grants:dashboard"))
    assert response.status_code == 302  # (a demo session is not even kept with DEBUG off)
    assert urlparse(response["Location"]).path != reverse("grants:dashboard")
    # And the dashboard's own check asks the demo account for its second factor as well.
    request = RequestFactory().get("/partner/")
    request.user = world.right
    request.session = client.session
    assert second_factor_missing(request) == "setup"
    settings.DEBUG = True
    assert second_factor_missing(request) is None


def test_a_reviewer_cannot_reach_manager_actions_of_their_own_country(world):
    reviewer = PartnerStaffFactory(
        partner=world.proposal.country_programme.partner, role=PartnerStaff.Role.REVIEWER
    ).user
    client = _as(reviewer)
    assert client.get(reverse("grants:proposal", args=[world.proposal.pk])).status_code == 200
    if "approve" in {name for name, _route in GRANTS_URLS}:
        response = client.post(
            reverse("grants:approve", args=[world.proposal.pk]), {"amount": "100"}
        )
        assert response.status_code in (403, 404)
        world.proposal.refresh_from_db()
        assert world.proposal.status == Proposal.Status.SUBMITTED
