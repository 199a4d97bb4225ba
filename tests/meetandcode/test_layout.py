"""The page layout: landmarks, the home page, the navigation per role, the demo logins box."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetandcode import context_processors
from organisations.models import LegalForm, Membership, Organisation, Partner, PartnerStaff, User
from organisations.permissions import (
    is_applicant,
    is_partner_manager,
    is_partner_staff,
    is_programme_staff,
    roles_of,
    scope_of,
)
from programmes.models import Edition
from tests.factories import CountryProgrammeFactory, EditionFactory, PartnerFactory, edition_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_nav(monkeypatch):
    """Point the role links at URLs that exist today, so each can show up in the navigation."""
    monkeypatch.setattr(context_processors, "MY_ORGANISATION_URL", "account_email")
    monkeypatch.setattr(context_processors, "REVIEW_DASHBOARD_URL", "account_change_password")
    monkeypatch.setattr(context_processors, "PROGRAMME_FIGURES_URL", "healthz")


PUBLIC = ["Events", "Impact", "Library"]  # for everyone, signed in or not
PARTNER = ["Review dashboard", "Payments", "Programme figures"]  # partner and programme staff


def nav_labels(response) -> list[str]:
    return [link.label for link in response.context["layout"].nav]


def make_partner_staff(role: str) -> User:
    user = User.objects.create_user(f"{role}@example.org", "x")
    partner = Partner.objects.create(name="SOCIALware", countries=["LU"])
    PartnerStaff.objects.create(user=user, partner=partner, role=role)
    return user


def make_edition() -> Edition:
    """The factories' edition (PAST_YEAR) with a partner covering Luxembourg and Belgium."""
    edition = EditionFactory()
    partner = PartnerFactory(name="SOCIALware", countries=["LU", "BE"])
    for country in ("LU", "BE"):
        CountryProgrammeFactory(edition=edition, country=country, partner=partner, budget=10000)
    return edition


def test_home_renders_on_an_empty_database_with_landmarks_and_skip_link(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Meet and Code Grants" in html
    assert '<a class="skip-link visually-hidden-focusable" href="#main">' in html
    assert "Skip to main content" in html
    assert '<html lang="en"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert "The next edition has not been announced yet." in html


def test_home_loads_bootstrap_and_htmx_from_this_site_only(client):
    html = client.get(reverse("home")).content.decode()

    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/bootstrap/js/bootstrap.bundle.min.js" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    # every script, style sheet and image comes from this site (a random token may spell "cdn")
    assert re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="(?:https?:)?//', html) == []
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_home_shows_the_latest_edition_with_its_countries(client, django_assert_max_num_queries):
    latest = make_edition()
    year = latest.year - 1
    Edition.objects.create(
        name=f"Meet and Code {year}",
        year=year,
        code=edition_code(year),
        applications_open=date(year, 5, 1),
        application_deadline=datetime(year, 9, 30, tzinfo=ZoneInfo("Europe/Brussels")),
        event_start=date(year, 6, 1),
        event_end=date(year, 10, 31),
        max_grant=Decimal("400"),
    )

    # editions, countries, upcoming events, and (none upcoming here) the latest held ones,
    # headline figures (the events and figures cached afterwards)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("home"))

    html = response.content.decode()
    assert f"Meet and Code {latest.year}" in html
    assert f"Meet and Code {year}" not in html
    assert "up to EUR 500.00 per event" in html
    assert "Belgium" in html and "Luxembourg" in html
    assert "Applications closed" in html
    assert "How to apply in four steps" in html


def test_anonymous_navigation_offers_log_in_and_sign_up(client, routed_nav):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert nav_labels(response) == PUBLIC
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert 'href="#"' not in html


def test_a_new_sign_up_is_an_applicant_and_sees_my_organisation(client, routed_nav):
    user = User.objects.create_user("new@example.org", "x")
    client.force_login(user)

    response = client.get(reverse("home"))

    assert nav_labels(response) == [*PUBLIC, "My organisation"]
    assert "Log out" in response.content.decode()


def test_only_the_deepest_matching_link_is_current(client):
    from tests.factories import log_in_with_second_factor

    log_in_with_second_factor(client, make_partner_staff(PartnerStaff.Role.MANAGER))

    response = client.get(reverse("grants:payments"))

    current = [link.label for link in response.context["layout"].nav if link.current]
    assert current == ["Payments"]  # not the review dashboard at /partner/ as well


def test_partner_reviewer_sees_the_partner_pages_only(client, routed_nav):
    client.force_login(make_partner_staff(PartnerStaff.Role.REVIEWER))

    response = client.get(reverse("home"))

    assert nav_labels(response) == [*PUBLIC, *PARTNER]


def test_partner_staff_who_is_also_a_member_sees_both_areas(client, routed_nav):
    user = make_partner_staff(PartnerStaff.Role.MANAGER)
    legal_form = LegalForm.objects.create(country="LU", name="ASBL")
    organisation = Organisation.objects.create(
        name="Coding Kids ASBL",
        country="LU",
        legal_form=legal_form,
        registration_number="F123",
        street="1 rue de la Gare",
        postcode="1611",
        city="Luxembourg",
        contact_name="Anne",
        contact_email="anne@example.org",
    )
    Membership.objects.create(user=user, organisation=organisation, role="owner")
    client.force_login(user)

    response = client.get(reverse("home"))

    assert nav_labels(response) == [*PUBLIC, "My organisation", *PARTNER]


def test_programme_staff_see_figures_and_admin(client, routed_nav):
    user = User.objects.create_user(
        "staff@example.org", "x", is_programme_staff=True, is_staff=True
    )
    client.force_login(user)

    response = client.get(reverse("home"))

    assert nav_labels(response) == [*PUBLIC, *PARTNER, "Messages", "Admin"]
    assert f'href="{reverse("admin:index")}"' in response.content.decode()


def test_navigation_costs_at_most_two_queries_for_staff(client, django_assert_max_num_queries):
    user = make_partner_staff(PartnerStaff.Role.MANAGER)
    client.force_login(user)

    # session + user + partner roles + membership + edition (no edition: no prefetch)
    # + the unread notifications of the nav badge
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


def test_role_helpers_answer_per_role():
    anonymous = roles_of(None)
    reviewer = make_partner_staff(PartnerStaff.Role.REVIEWER)
    staff = User.objects.create_user("p@example.org", "x", is_programme_staff=True)

    assert not anonymous.signed_in and not anonymous.applicant
    assert is_partner_staff(reviewer) and not is_partner_manager(reviewer)
    assert not is_applicant(reviewer)
    assert is_programme_staff(staff) and not is_partner_staff(staff)
    assert not is_programme_staff(reviewer)


def test_login_page_uses_the_site_layout(client):
    response = client.get(reverse("account_login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Meet and Code Grants" in html
    assert "Skip to main content" in html
    assert 'class="textinput form-control"' in html  # crispy's Bootstrap fields


def test_demo_logins_show_on_the_login_page_when_debug_is_on(client, settings):
    settings.DEBUG = True

    html = client.get(reverse("account_login")).content.decode()

    for who in ("applicant", "reviewer", "manager", "programme"):
        assert f"{who}@demo.meetandcode.eu" in html
    assert settings.DEMO_PASSWORD in html


def test_demo_logins_are_hidden_when_debug_is_off(client, settings):
    settings.DEBUG = False

    html = client.get(reverse("account_login")).content.decode()

    assert "demo.meetandcode.eu" not in html
    assert settings.DEMO_PASSWORD not in html


def test_messages_render_as_status_alerts(client):
    user = User.objects.create_user("m@example.org", "x")
    client.force_login(user)

    response = client.post(reverse("account_logout"), follow=True)

    html = response.content.decode()
    assert 'role="status"' in html
    assert "alert alert-" in html


def test_language_switcher_is_labelled(client):
    html = client.get(reverse("home")).content.decode()

    assert '<label for="language-select"' in html
    assert 'id="language-select"' in html


def test_roles_and_the_scope_agree_on_who_decides():
    """Programme staff decide everywhere: the navigation's roles say so, as the policy does."""
    manager = make_partner_staff(PartnerStaff.Role.MANAGER)
    staff = User.objects.create_user("p@example.org", "x", is_programme_staff=True)

    for user in (manager, staff):
        scope = scope_of(user)
        decides = scope.everywhere or bool(scope.managed_partner_ids)
        assert roles_of(user).partner_manager is decides is True
        assert is_partner_manager(user)
