"""The partner's proposal page: everything the applicant entered, the budget, the organisation
with its validation and history, the audit timeline, and what changed on a resubmit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from events.models import CostCategory, Proposal
from grants import services
from grants.models import Grant
from organisations.models import AuditEntry, OrganisationValidation, PartnerStaff
from tests.factories import (
    PAST_YEAR,
    SUBMIT_MOMENT,
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    FocusGroupFactory,
    GrantFactory,
    LanguageFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    edition_code,
    log_in_with_second_factor,
    member_of,
    submit_in_window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR), country="LU")


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


def _page(manager, proposal) -> str:
    client = log_in_with_second_factor(Client(), manager)
    response = client.get(reverse("grants:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_what_the_applicant_entered_and_the_budget(programme, manager):
    organisation = OrganisationFactory(
        name="Code Club Esch ASBL", registration_number="F123456", iban="LU280019400644750000"
    )
    proposal = ProposalFactory(
        organisation=organisation,
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Micro:bit afternoon",
        description="Children program micro:bits to measure the weather.",
        venue_name="Maison des jeunes",
        city="Esch-sur-Alzette",
        expected_participants=24,
        requested_amount=Decimal("350.00"),
    )
    proposal.focus_groups.add(FocusGroupFactory(code="girls", name="Girls"))
    proposal.languages.add(LanguageFactory(code="fr"))
    BudgetLineFactory(proposal=proposal, category=CostCategory.TRAINER, amount=Decimal("200"))
    BudgetLineFactory(
        proposal=proposal,
        category=CostCategory.MATERIALS,
        description="Micro:bit kits",
        amount=Decimal("150"),
    )
    OrganisationValidation.objects.create(
        organisation=organisation,
        edition=programme.edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    page = _page(manager, proposal)
    for text in [
        "Micro:bit afternoon",
        "Children program micro:bits to measure the weather.",
        "Maison des jeunes",
        "Esch-sur-Alzette",
        "24",
        "Girls",
        "French",
        "Trainer fees",
        "Micro:bit kits",
        "EUR 350.00",
        "Code Club Esch ASBL",
        "F123456",
        "LU280019400644750000",
        "Validated",
    ]:
        assert text in page, text


def test_the_page_shows_the_organisations_history(programme, manager):
    organisation = OrganisationFactory()
    earlier_edition = CountryProgrammeFactory(
        edition=EditionFactory(year=PAST_YEAR - 1), country="LU"
    )
    funded = GrantFactory(
        proposal=ProposalFactory(
            organisation=organisation,
            country_programme=earlier_edition,
            status=Proposal.Status.APPROVED,
            title="Last year's hackathon",
        ),
        reference=f"{edition_code(PAST_YEAR - 1)}-LU-0007",
    )
    ReportFactory(proposal=funded.proposal)
    ProposalFactory(organisation=organisation, country_programme=programme, title="Secret draft")
    current = ProposalFactory(
        organisation=organisation, country_programme=programme, status=Proposal.Status.SUBMITTED
    )
    page = _page(manager, current)
    assert "Last year&#x27;s hackathon" in page
    assert f"{edition_code(PAST_YEAR - 1)}-LU-0007" in page
    assert "Report" in page
    assert "Secret draft" not in page  # an applicant's draft is theirs alone
    assert Grant.objects.count() == 1


def test_the_page_shows_the_timeline_and_what_a_resubmit_changed(programme, manager):
    proposal = ProposalFactory(country_programme=programme, title="First title")
    applicant = member_of(proposal.organisation)
    submit_in_window(proposal, actor=applicant)
    services.request_changes(proposal, actor=manager, message="Please name the venue.")
    proposal.refresh_from_db()
    proposal.title = "Better title"
    proposal.save()
    from events.services import submit_proposal

    submit_proposal(proposal, actor=applicant, now=SUBMIT_MOMENT + dt.timedelta(days=1))
    page = _page(manager, proposal)
    assert "Please name the venue." in page  # the timeline's message
    assert 'id="timeline"' in page
    assert "What changed in the last resubmission" in page
    assert "First title" in page and "Better title" in page


def test_staff_reads_are_logged_but_not_shown_as_history(programme, manager):
    proposal = ProposalFactory(country_programme=programme)
    submit_in_window(proposal)

    _page(manager, proposal)
    page = _page(manager, proposal)

    assert AuditEntry.objects.filter(action="data.read").count() == 2  # kept for the applicant
    start = page.index('id="timeline"')
    timeline = page[start : page.index("</ol>", start)]
    assert "data.read" not in timeline
    assert timeline.count("<li") == 1  # the submission only
