"""axe-core finds no serious or critical accessibility violation on the applicant's pages.

Each page is checked as a person sees it in the browser (styles loaded, phone-sized), the forms
also with their errors shown, since an error must be announced and tied to its field.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page, expect

from tests.factories import (
    PASSWORD,
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    LegalFormFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
AXE = Axe()


def _blocking_violations(page: Page) -> list[str]:
    """One line per serious or critical violation: its rule id, impact and the elements hit."""
    violations = AXE.run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in violations
        if violation["impact"] in BLOCKING
    ]


def _assert_accessible(page: Page) -> None:
    problems = _blocking_violations(page)
    assert not problems, f"axe on {page.url}:\n" + "\n".join(problems)


@pytest.fixture
def logged_in(page, live_server):
    """The page's browser holds the session of an applicant, logged in by the test client."""
    client = Client()
    client.force_login(UserFactory())
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page


@pytest.fixture
def programme():
    CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR))
    LegalFormFactory(country="LU", name="ASBL")


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]
)
def test_entrance_pages_have_no_serious_violation(page, path):
    page.goto(path)
    _assert_accessible(page)


def test_sign_up_with_a_common_password_has_no_serious_violation(page):
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("volunteer@example.org")
    page.locator("#id_password1").fill("password")
    page.locator("#id_password2").fill("password")
    page.locator("#id_accept_privacy").check()
    page.locator("main [type=submit]").click()
    page.wait_for_selector(".invalid-feedback")
    # The error is announced with the field: screen readers read it on focus.
    field = page.locator("#id_password1")
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = page.locator("#div_id_password1 .invalid-feedback").get_attribute("id")
    assert error_id in field.get_attribute("aria-describedby").split()
    _assert_accessible(page)


def test_login_with_a_wrong_password_has_no_serious_violation(page):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("volunteer@example.org")
    page.locator("#id_password").fill("not-the-password")
    page.locator("main [type=submit]").first.click()
    page.wait_for_selector("main .alert")
    _assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/my/",
        "/my/organisations/new/",
    ],
)
def test_account_and_organisation_pages_have_no_serious_violation(logged_in, programme, path):
    logged_in.goto(path)
    assert logged_in.url.endswith(path)  # not sent to a login or re-authentication page
    _assert_accessible(logged_in)


def test_organisation_form_with_errors_has_no_serious_violation(logged_in, programme):
    logged_in.goto("/my/organisations/new/")
    logged_in.locator("form[method=post]").last.evaluate("f => f.noValidate = true")
    logged_in.locator("main [type=submit]").last.click()
    logged_in.wait_for_selector(".invalid-feedback")
    _assert_accessible(logged_in)


def test_two_factor_activation_page_has_no_serious_violation(logged_in):
    logged_in.goto("/accounts/2fa/totp/activate/")
    logged_in.locator("#id_password").fill(PASSWORD)  # sensitive: the password again first
    logged_in.locator("main [type=submit]").click()
    expect(logged_in.locator("#id_code")).to_be_visible()
    _assert_accessible(logged_in)


def test_two_factor_code_page_has_no_serious_violation(page):
    person = UserFactory()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    TOTP.activate(person, generate_totp_secret())
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main [type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    expect(page.locator("#id_code")).to_have_attribute("autocomplete", "one-time-code")
    _assert_accessible(page)


@pytest.fixture
def proposal_page(page, live_server):
    """The page's browser holds the session of an applicant with a draft of a validated
    organisation in an edition open today (see tests/browser/test_proposal_journey.py)."""
    from events import services as event_services
    from organisations.models import OrganisationValidation
    from tests.browser.test_proposal_journey import open_edition
    from tests.factories import MembershipFactory

    edition = open_edition()
    programme = CountryProgrammeFactory(edition=edition)
    membership = MembershipFactory()
    OrganisationValidation.objects.create(
        organisation=membership.organisation,
        edition=edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    draft = event_services.create_draft(
        membership.organisation, actor=membership.user, country_programme=programme
    )
    client = Client()
    client.force_login(membership.user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page, draft


@pytest.mark.parametrize("path", ["/my/proposals/{pk}/edit/", "/my/proposals/{pk}/submit/"])
def test_proposal_edit_and_review_pages_have_no_serious_violation(proposal_page, path):
    page, draft = proposal_page
    path = path.format(pk=draft.pk)
    page.goto(path)
    assert page.url.endswith(path)
    _assert_accessible(page)


def test_proposal_section_with_errors_has_no_serious_violation(proposal_page):
    page, draft = proposal_page
    from tests.browser.test_proposal_journey import EVENT_DAY

    page.goto(f"/my/proposals/{draft.pk}/edit/")
    page.get_by_label("Starts (date and time)").fill(f"{EVENT_DAY}T12:00")
    page.get_by_label("Ends (date and time)").fill(f"{EVENT_DAY}T10:00")
    expect(page.locator("#section-place .invalid-feedback")).to_be_visible()
    _assert_accessible(page)
