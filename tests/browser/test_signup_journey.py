"""An applicant's journey in a real browser, from sign-up to a validated organisation.

The proposal part of the journey (draft with autosave, reload, submit, status) is left to extend
here once the proposal pages exist.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from organisations import services
from organisations.models import Membership, OrganisationValidation, PartnerStaff
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    LegalFormFactory,
    PartnerStaffFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "camille@codingkids.example.org"
PASSWORD = "kites-over-the-harbour-42"


@pytest.fixture
def validation_code():
    """The current edition runs in Luxembourg; its partner has issued one validation code."""
    programme = CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR))
    LegalFormFactory(country="LU", name="ASBL")
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    return services.issue_validation_tokens(programme, actor=manager)[0].code


def _sign_up_and_verify(page: Page, mailoutbox) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"Password\W*$")).fill(PASSWORD)  # not "Password (again)"
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    page.get_by_label(re.compile(r"I have read the privacy notice")).check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert [mail.to for mail in mailoutbox] == [[EMAIL]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"Successfully signed in as {EMAIL}")).to_be_visible()


def _register_organisation(page: Page) -> None:
    page.goto("/my/organisations/new/")
    fields = {
        "Legal name": "Coding Kids Luxembourg ASBL",
        "Registration number": "F0012345",
        "Street and number": "12, rue de la Gare",
        "Postcode": "L-1611",
        "Town or city": "Luxembourg",
        "Contact person": "Camille Weber",
        "Contact e-mail": EMAIL,
        "IBAN": "LU28 0019 4006 4475 0000",
    }
    page.get_by_label("Country").select_option("LU")
    expect(page.get_by_label("Legal form")).to_contain_text("ASBL")
    page.get_by_label("Legal form").select_option(label="ASBL")
    for label, value in fields.items():
        page.get_by_label(label, exact=False).first.fill(value)
    page.get_by_role("button", name=re.compile("Register", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", name="Coding Kids Luxembourg ASBL")).to_be_visible()


def test_a_volunteer_signs_up_verifies_registers_and_validates(page, mailoutbox, validation_code):
    _sign_up_and_verify(page, mailoutbox)
    _register_organisation(page)

    page.get_by_role("textbox", name=re.compile("Validation code")).fill(validation_code)
    page.get_by_role("button", name="Validate with this code").click()

    expect(page.get_by_text(re.compile("is validated for"))).to_be_visible()
    membership = Membership.objects.select_related("organisation", "user").get()
    assert (membership.user.email, membership.role) == (EMAIL, Membership.Role.OWNER)
    validation = OrganisationValidation.objects.get(organisation=membership.organisation)
    assert validation.status == OrganisationValidation.Status.VALIDATED
