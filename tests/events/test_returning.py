"""Returning organisations: an earlier edition's validation counts where the country says so, and
a new proposal can start as a copy of an earlier one. Through the test client, at a moment inside
the new edition's call."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import BudgetLine, Proposal
from organisations.models import AuditEntry, OrganisationValidation, PartnerStaff
from organisations.services import issue_validation_tokens
from programmes.models import CountryProgramme
from tests.factories import (
    LUXEMBOURG,
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    FocusGroupFactory,
    LanguageFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

STAY = CountryProgramme.ReturningOrganisations.STAY_VALIDATED
CHECK_AGAIN = CountryProgramme.ReturningOrganisations.CHECK_AGAIN
DASHBOARD_URL = reverse("organisations:mine")
START_URL = reverse("events:start")


@pytest.fixture
def last():
    """Last year's edition in Luxembourg."""
    edition = EditionFactory(year=timezone.localdate().year - 1)
    return CountryProgrammeFactory(edition=edition)


@pytest.fixture
def current(last):
    """This year's edition in Luxembourg, its call open: the clock stands a month into it."""
    edition = EditionFactory(year=last.edition.year + 1)
    moment = dt.datetime.combine(
        edition.applications_open + dt.timedelta(days=30), dt.time(10), tzinfo=LUXEMBOURG
    )
    with time_machine.travel(moment, tick=False):
        yield CountryProgrammeFactory(edition=edition)


@pytest.fixture
def member(client, last):
    """An owner of an organisation validated in last year's edition, logged in."""
    membership = MembershipFactory()
    validate(membership.organisation, last.edition)
    client.force_login(membership.user)
    return membership


def validate(organisation, edition, status=OrganisationValidation.Status.VALIDATED):
    OrganisationValidation.objects.update_or_create(
        organisation=organisation, edition=edition, defaults={"status": status}
    )


def keep_returning(programme, setting):
    programme.returning_organisations = setting
    programme.save(update_fields=["returning_organisations"])


def complete_proposal(member, programme):
    proposal = ProposalFactory(
        organisation=member.organisation, country_programme=programme, created_by=member.user
    )
    BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
    return proposal


def submit(client, proposal):
    return client.post(reverse("events:submit", args=[proposal.pk]))


def page(response) -> str:
    return response.content.decode()


# --- the country's setting for returning organisations -------------------------------------


def test_a_returning_organisation_submits_without_a_new_validation_where_it_stays_validated(
    client, member, current
):
    keep_returning(current, STAY)
    proposal = complete_proposal(member, current)

    response = submit(client, proposal)

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert not OrganisationValidation.objects.filter(edition=current.edition).exists()
    dashboard = page(client.get(DASHBOARD_URL))
    assert "Validated in an earlier edition; Luxembourg keeps returning organisations" in dashboard


def test_a_returning_organisation_must_be_checked_again_where_the_country_says_so(
    client, member, current
):
    keep_returning(current, CHECK_AGAIN)
    proposal = complete_proposal(member, current)

    response = submit(client, proposal)

    assert response.status_code == 400
    assert "not yet validated" in page(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    dashboard = page(client.get(DASHBOARD_URL))
    assert "The national partner in Luxembourg checks every organisation again" in dashboard
    assert "redeem this edition&#x27;s code or ask for a check" in dashboard


def test_a_refusal_in_the_new_edition_wins_over_the_earlier_validation(client, member, current):
    keep_returning(current, STAY)
    validate(member.organisation, current.edition, OrganisationValidation.Status.REFUSED)
    proposal = complete_proposal(member, current)

    response = submit(client, proposal)

    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    dashboard = page(client.get(DASHBOARD_URL))
    assert "could not validate your organisation" in dashboard
    assert "Validated in an earlier edition" not in dashboard


def test_a_validation_of_a_later_edition_does_not_count_for_an_earlier_one(client, last, current):
    keep_returning(last, STAY)
    membership = MembershipFactory()
    validate(membership.organisation, current.edition)
    client.force_login(membership.user)
    proposal = complete_proposal(membership, last)
    # the last edition's call was still open then
    with time_machine.travel(proposal.starts_at - dt.timedelta(days=90), tick=False):
        response = submit(client, proposal)

    assert response.status_code == 400
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_a_returning_organisation_needs_no_code_and_no_check_where_it_stays_validated(
    client, member, current
):
    keep_returning(current, STAY)
    detail_url = reverse("organisations:detail", args=[member.organisation.pk])
    manager = PartnerStaffFactory(partner=current.partner, role=PartnerStaff.Role.MANAGER).user
    code = issue_validation_tokens(current, actor=manager)[0].code  # this edition's code

    redeemed = client.post(
        reverse("organisations:redeem_token", args=[member.organisation.pk]), {"code": code}
    )
    asked = client.post(
        reverse("organisations:request_validation", args=[member.organisation.pk]), follow=True
    )

    assert "validated already: you need no code" in page(redeemed)
    assert "validated already" in page(asked)
    assert not OrganisationValidation.objects.filter(edition=current.edition).exists()
    assert "keeps returning organisations validated" in page(client.get(detail_url))


# --- a new proposal from an earlier one ----------------------------------------------------


@pytest.fixture
def earlier(member, last):
    """Last year's approved proposal, with its audience, venue and budget (actual costs too),
    written during last year's call."""
    during_call = dt.datetime.combine(last.edition.applications_open, dt.time(9), LUXEMBOURG)
    with time_machine.travel(during_call, tick=False):
        proposal = ProposalFactory(
            organisation=member.organisation,
            country_programme=last,
            created_by=member.user,
            status=Proposal.Status.APPROVED,
            requested_amount=Decimal("450.00"),
            location_is_approximate=True,
        )
    proposal.focus_groups.set([FocusGroupFactory()])
    proposal.languages.set([LanguageFactory(code="fr")])
    BudgetLineFactory(proposal=proposal, amount=Decimal("300.00"), actual_amount=Decimal("280"))
    BudgetLineFactory(
        proposal=proposal, category="materials", description="Cards", amount=Decimal("150.00")
    )
    return proposal


def test_copying_last_editions_proposal_gives_a_draft_in_the_current_edition(
    client, earlier, current
):
    response = client.post(START_URL, {"copy_from": earlier.pk})

    copy = Proposal.objects.exclude(pk=earlier.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("events:edit", args=[copy.pk])
    assert copy.country_programme == current
    assert copy.status == Proposal.Status.DRAFT
    assert copy.starts_at is None and copy.ends_at is None
    assert not copy.accepts_conditions
    assert copy.currency == current.currency
    same = ["title", "description", "format", "delivery", "age_min", "age_max"]
    same += ["expected_participants", "duration_minutes", "venue_name", "address", "postcode"]
    same += ["city", "latitude", "longitude", "location_is_approximate", "requested_amount"]
    assert {name: getattr(copy, name) for name in same} == {
        name: getattr(earlier, name) for name in same
    }
    assert list(copy.focus_groups.all()) == list(earlier.focus_groups.all())
    assert list(copy.languages.all()) == list(earlier.languages.all())
    lines = BudgetLine.objects.filter(proposal=copy).values_list(
        "category", "description", "amount", "actual_amount"
    )
    assert sorted(lines) == [
        ("materials", "Cards", Decimal("150.00"), None),
        ("trainer", "Two trainers, two hours each", Decimal("300.00"), None),
    ]
    entry = AuditEntry.objects.get(action="proposal.create", object_id=copy.pk)
    assert entry.data == {"copied_from": earlier.pk}
    assert entry.actor == earlier.created_by


def test_the_copy_opens_with_a_message_naming_the_source_and_the_new_event_window(
    client, earlier, current
):
    response = client.post(START_URL, {"copy_from": earlier.pk}, follow=True)

    body = page(response)
    edition = current.edition
    assert f"Copied from «{earlier.title}» ({earlier.country_programme.edition.name})" in body
    assert f"events of {edition.name} take place between" in body
    assert date_format(edition.event_start, "DATE_FORMAT") in body
    assert date_format(edition.event_end, "DATE_FORMAT") in body


@pytest.mark.parametrize("posted", ["other", "nonsense", ""])
def test_a_proposal_of_another_organisation_cannot_be_copied(client, member, current, posted):
    other = ProposalFactory(country_programme=current)
    value = {"other": other.pk, "nonsense": "abc", "": ""}[posted]

    response = client.post(START_URL, {"copy_from": value})

    assert response.status_code == 404
    assert Proposal.objects.count() == 1


def test_a_former_member_cannot_copy_the_organisations_proposals(client, earlier, current):
    earlier.organisation.memberships.update(status="removed")

    assert client.post(START_URL, {"copy_from": earlier.pk}).status_code == 404


def test_the_copied_draft_is_completed_with_new_dates_and_submitted(client, earlier, current):
    keep_returning(current, STAY)
    client.post(START_URL, {"copy_from": earlier.pk})
    copy = Proposal.objects.exclude(pk=earlier.pk).get()
    starts = dt.datetime.combine(current.edition.event_start, dt.time(14), tzinfo=LUXEMBOURG)
    place = {
        "starts_at": f"{starts:%Y-%m-%dT%H:%M}",
        "ends_at": f"{starts + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
        "duration_minutes": copy.duration_minutes,
        "venue_name": copy.venue_name,
        "address": copy.address,
        "postcode": copy.postcode,
        "city": copy.city,
    }
    declarations = {"free_for_participants": "on", "accepts_conditions": "on"}
    for section, data in [("place", place), ("declarations", declarations)]:
        url = reverse("events:save_section", args=[copy.pk, section])
        posted = {f"{section}-{name}": value for name, value in data.items()}
        assert client.post(url, posted).status_code == 302

    response = submit(client, copy)

    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == Proposal.Status.SUBMITTED
    assert copy.starts_at == starts
    earlier.refresh_from_db()
    assert earlier.status == Proposal.Status.APPROVED


# --- the start page ------------------------------------------------------------------------


def test_the_start_page_lists_earlier_proposals_newest_first(client, earlier, current):
    draft = ProposalFactory(
        organisation=earlier.organisation, country_programme=current, title="This year's draft"
    )
    ProposalFactory(country_programme=current, title="Someone else's")

    body = page(client.get(START_URL))

    assert body.index("This year&#x27;s draft") < body.index(earlier.title)
    assert "Someone else" not in body
    assert f'name="copy_from" value="{draft.pk}"' in body
    assert earlier.country_programme.edition.name in body and "Approved" in body


def test_the_start_page_says_the_call_is_open_until_the_countrys_deadline(client, member, current):
    current.application_deadline = timezone.now() + dt.timedelta(days=3)
    current.save(update_fields=["application_deadline"])

    body = page(client.get(START_URL))

    deadline = date_format(timezone.localtime(current.deadline), "DATETIME_FORMAT")
    assert f"is open in Luxembourg until {deadline}" in body


def test_the_start_page_says_the_call_is_closed_and_when_the_next_opens(client, member, current):
    current.application_deadline = timezone.now() - dt.timedelta(days=1)
    current.save(update_fields=["application_deadline"])
    following = EditionFactory(year=current.edition.year + 1)

    body = page(client.get(START_URL))

    assert f"The call for {current.edition.name} is closed in Luxembourg." in body
    opens = date_format(following.applications_open, "DATE_FORMAT")
    assert f"The next call opens on {opens}." in body


def test_the_start_page_says_when_an_announced_call_opens(client, member, last):
    coming = CountryProgrammeFactory(edition=EditionFactory(year=last.edition.year + 1))
    before = dt.datetime.combine(
        coming.edition.applications_open - dt.timedelta(days=5), dt.time(9), tzinfo=LUXEMBOURG
    )
    with time_machine.travel(before, tick=False):
        body = page(client.get(START_URL))

    opens = date_format(coming.edition.applications_open, "DATE_FORMAT")
    assert f"The call for {coming.edition.name} in Luxembourg opens on {opens}." in body


def test_the_start_page_asks_few_queries_however_many_earlier_proposals(
    client, earlier, current, django_assert_max_num_queries
):
    for _ in range(8):
        ProposalFactory(organisation=earlier.organisation, country_programme=current)

    # session and person, organisations, editions, their programmes, the proposals, notifications
    with django_assert_max_num_queries(8):
        response = client.get(START_URL)

    assert page(response).count('name="copy_from"') == 9
