"""The database itself refuses what must never be stored, whoever writes it (service, admin, shell).

Each rule is tried directly with the ORM, past the services, and must fail with IntegrityError on
PostgreSQL and SQLite alike. Next to most refusals a valid neighbour is stored, so a test cannot
pass just because the row was broken in some other way. The proposal, budget line and report
rules live in events/models.py but are tested here beside the grant rules they protect.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from events.models import Proposal, Report
from grants.models import Grant
from programmes.models import CountryProgramme
from tests.factories import (
    LUXEMBOURG,
    PAST_CODE,
    PAST_YEAR,
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    ProposalFactory,
    ReportFactory,
    ReviewScoreFactory,
)

pytestmark = pytest.mark.django_db

TRIGGER = "exceeds the country programme maximum"


# --- Grants: the country's max grant (a trigger) ------------------------------------------


def test_grant_up_to_the_country_max_is_stored():
    grant = GrantFactory(amount=Decimal("500.00"))

    assert Grant.objects.get(pk=grant.pk).amount == Decimal("500.00")


def test_grant_above_the_country_max_cannot_be_inserted(db_refuses):
    proposal = ProposalFactory(status=Proposal.Status.APPROVED)

    with db_refuses(TRIGGER):
        GrantFactory(proposal=proposal, amount=Decimal("500.01"))

    assert not Grant.objects.exists()


def test_grant_cannot_be_updated_above_the_country_max(db_refuses):
    grant = GrantFactory(amount=Decimal("400.00"))

    with db_refuses(TRIGGER):
        Grant.objects.filter(pk=grant.pk).update(amount=Decimal("600.00"))
    grant.amount = Decimal("501.00")
    with db_refuses(TRIGGER):
        grant.save()

    assert Grant.objects.get(pk=grant.pk).amount == Decimal("400.00")


def test_grant_cannot_move_to_a_programme_with_a_lower_max(db_refuses):
    grant = GrantFactory(amount=Decimal("400.00"))
    belgium = CountryProgrammeFactory(country="BE", max_grant=Decimal("300.00"))

    with db_refuses(TRIGGER):
        Grant.objects.filter(pk=grant.pk).update(country_programme=belgium)


# --- Grants: numbering and payment ------------------------------------------


def test_grant_sequence_is_unique_per_programme(db_refuses):
    GrantFactory(sequence=1)

    with db_refuses(
        "grant_sequence_unique_per_programme",
        "grants_grant.country_programme_id, grants_grant.sequence",
    ):
        GrantFactory(sequence=1, reference=f"{PAST_CODE}-LU-9999")


def test_the_same_sequence_in_another_programme_is_stored():
    GrantFactory(sequence=1)
    belgium = CountryProgrammeFactory(country="BE")

    grant = GrantFactory(proposal__country_programme=belgium, sequence=1)

    assert grant.reference == f"{PAST_CODE}-BE-0001"


def test_grant_reference_is_unique(db_refuses):
    GrantFactory(sequence=1)

    with db_refuses("grants_grant_reference", "grants_grant.reference"):
        GrantFactory(sequence=2, reference=f"{PAST_CODE}-LU-0001")


@pytest.mark.parametrize(
    "payment",
    [
        pytest.param({}, id="neither"),
        pytest.param({"paid_on": dt.date(PAST_YEAR, 11, 5)}, id="no-amount"),
        pytest.param({"paid_amount": Decimal("400.00")}, id="no-date"),
    ],
)
def test_paid_grant_needs_a_date_and_an_amount(payment, db_refuses):
    with db_refuses("grant_paid_has_date_and_amount"):
        GrantFactory(payment_status=Grant.PaymentStatus.PAID, **payment)


def test_paid_grant_with_date_and_amount_is_stored():
    grant = GrantFactory(
        payment_status=Grant.PaymentStatus.PAID,
        paid_on=dt.date(PAST_YEAR, 11, 5),
        paid_amount=Decimal("400.00"),
    )

    assert Grant.objects.get(pk=grant.pk).payment_status == "paid"


# --- Country programmes: the budget ------------------------------------------


def test_reserved_cannot_go_above_the_budget(db_refuses):
    programme = CountryProgrammeFactory(budget=Decimal("1000.00"))
    CountryProgramme.objects.filter(pk=programme.pk).update(reserved=F("budget"))

    with db_refuses("programme_reserved_within_budget"):
        CountryProgramme.objects.filter(pk=programme.pk).update(reserved=F("reserved") + 1)

    assert CountryProgramme.objects.get(pk=programme.pk).reserved == Decimal("1000.00")


def test_reserved_cannot_go_below_zero(db_refuses):
    programme = CountryProgrammeFactory()

    with db_refuses("programme_reserved_not_negative"):
        CountryProgramme.objects.filter(pk=programme.pk).update(reserved=F("reserved") - 1)


def test_budget_cannot_be_negative(db_refuses):
    # A negative budget also breaks reserved <= budget (reserved is at least 0): either name
    with db_refuses("programme_budget_not_negative", "programme_reserved_within_budget"):
        CountryProgrammeFactory(budget=Decimal("-1.00"))


def test_budget_cannot_drop_below_what_is_reserved(db_refuses):
    programme = CountryProgrammeFactory()
    CountryProgramme.objects.filter(pk=programme.pk).update(reserved=Decimal("800"))

    with db_refuses("programme_reserved_within_budget"):
        CountryProgramme.objects.filter(pk=programme.pk).update(budget=Decimal("799.99"))


# --- Editions and reviews ------------------------------------------


def test_edition_events_cannot_end_before_they_start(db_refuses):
    year = PAST_YEAR + 1
    with db_refuses("edition_event_window_ordered"):
        EditionFactory(year=year, event_start=dt.date(year, 10, 31), event_end=dt.date(year, 6, 17))


@pytest.mark.parametrize("score", [0, 6])
def test_review_score_outside_1_to_5_is_refused(score, db_refuses):
    with db_refuses("score_1_to_5"):
        ReviewScoreFactory(score=score)


@pytest.mark.parametrize("score", [1, 5])
def test_review_scores_1_and_5_are_stored(score):
    assert ReviewScoreFactory(score=score).pk is not None


# --- Proposals and budget lines ------------------------------------------


def test_proposal_age_min_cannot_exceed_age_max(db_refuses):
    with db_refuses("proposal_age_range_ordered"):
        ProposalFactory(age_min=17, age_max=16)


def test_proposal_for_one_age_is_stored():
    assert ProposalFactory(age_min=12, age_max=12).pk is not None


def test_proposal_cannot_end_before_it_starts(db_refuses):
    starts = dt.datetime(PAST_YEAR, 9, 14, 10, 0, tzinfo=LUXEMBOURG)

    with db_refuses("proposal_dates_ordered"):
        ProposalFactory(starts_at=starts, ends_at=starts - dt.timedelta(minutes=1))


def test_proposal_status_must_be_a_known_state(db_refuses):
    proposal = ProposalFactory()

    with db_refuses("proposal_status_valid"):
        ProposalFactory(status="lost")
    with db_refuses("proposal_status_valid"):
        Proposal.objects.filter(pk=proposal.pk).update(status="approve")


def test_budget_line_category_must_be_eligible(db_refuses):
    proposal = ProposalFactory()
    BudgetLineFactory(proposal=proposal, category="materials")

    with db_refuses("budgetline_category_eligible"):
        BudgetLineFactory(proposal=proposal, category="catering")


# --- Reports ------------------------------------------


def test_submitted_report_that_adds_up_is_stored():
    report = ReportFactory()

    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_submitted_report_age_bands_must_add_up(db_refuses):
    # Genders add up to 18, the age bands only to 17.
    with db_refuses("report_age_bands_add_up"):
        ReportFactory(age_13_16=6)


def test_submitted_report_genders_must_add_up(db_refuses):
    # Age bands add up to 18, the genders to 19.
    with db_refuses("report_genders_add_up"):
        ReportFactory(gender_other=2)


def test_submitted_report_needs_participants(db_refuses):
    with db_refuses("report_age_bands_add_up"):
        ReportFactory(
            participants_total=0,
            age_8_12=0,
            age_13_16=0,
            gender_female=0,
            gender_male=0,
            gender_other=0,
        )


def test_a_draft_report_that_does_not_add_up_yet_is_stored():
    report = ReportFactory(status=Report.Status.DRAFT, age_13_16=0, gender_other=5)

    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT


def test_a_draft_report_cannot_be_handed_in_until_it_adds_up(db_refuses):
    report = ReportFactory(status=Report.Status.DRAFT, age_13_16=0)

    with db_refuses("report_age_bands_add_up"):
        Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
