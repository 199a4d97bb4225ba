"""The proposal page's body, kept until a row it shows changes (grants.proposal_body, issue 19).

The key hashes the version of every row the body reads. These tests check that the body reads
no table the key leaves out, that every kind of change (made behind the services' back too)
shows on the next request, that the body is kept at all, and that what belongs to one person
(their review, their rights, their CSRF token) never reaches another."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Answer, BudgetLine, FocusGroup, Proposal, ReportFile
from events.permissions import get_partner_proposal_for
from grants import integrity, proposal_body
from grants.models import IntegritySignal, ProposalComment, Review, SignalCheck
from grants.views import _body_context
from organisations.models import Organisation, OrganisationValidation, PartnerStaff, User
from programmes.models import CountryProgramme, Question, QuestionChoice
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    FocusGroupFactory,
    GrantFactory,
    LanguageFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    ReviewCriterionFactory,
    ReviewFactory,
    ReviewScoreFactory,
    log_in_with_second_factor,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

IBAN = "LU280019400644750000"
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


@pytest.fixture
def programme():
    return CountryProgrammeFactory(country="LU")


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def reviewer(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER).user


@pytest.fixture
def proposal(programme, reviewer):
    """A proposal showing every kind of data the body can: answers to a choice question, budget,
    focus group and language, a review with scores, a comment, a grant and a report with a
    file, an integrity signal with a check, a validation and an earlier proposal."""
    organisation = OrganisationFactory(name="Code Club Esch", iban=IBAN)
    proposal = ProposalFactory(
        organisation=organisation, country_programme=programme, title="Robots for all"
    )
    submit_in_window(proposal)
    proposal.refresh_from_db()
    proposal.focus_groups.add(FocusGroupFactory(code="girls", name="Girls"))
    proposal.languages.add(LanguageFactory(code="fr"))
    BudgetLineFactory(proposal=proposal, description="Robot kits", amount=Decimal("150"))
    kits = Question.objects.create(
        edition=programme.edition, section="audience", kind="multiple_choice", text="Which kits?"
    )
    lego = QuestionChoice.objects.create(question=kits, label="Lego", position=1)
    Answer.objects.create(proposal=proposal, question=kits, value=[lego.pk])
    review = ReviewFactory(proposal=proposal, reviewer=reviewer, comment="Clear plan")
    ReviewScoreFactory(review=review, criterion=ReviewCriterionFactory(edition=programme.edition))
    ProposalComment.objects.create(proposal=proposal, author=reviewer, body="Call them")
    OrganisationValidation.objects.update_or_create(
        organisation=organisation,
        edition=programme.edition,
        defaults={
            "status": OrganisationValidation.Status.VALIDATED,
            "method": OrganisationValidation.Method.MANUAL,
        },
    )
    earlier = ProposalFactory(
        organisation=organisation,
        country_programme=programme,
        status=Proposal.Status.APPROVED,
        title="Last spring's robots",
    )
    report = ReportFactory(proposal=GrantFactory(proposal=earlier).proposal)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.APPROVED)
    GrantFactory(proposal=proposal)
    report = ReportFactory(proposal=proposal)
    ReportFile.objects.create(
        report=report,
        file="reports/photo.jpg",
        original_name="photo.jpg",
        size=10,
        content_type="image/jpeg",
        consent=True,
        kind=ReportFile.Kind.PHOTO,
        uploaded_by=reviewer,
    )
    other = ProposalFactory(
        organisation=OrganisationFactory(iban=IBAN),
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Same bank account",
    )
    integrity.refresh([proposal.pk, other.pk])
    signal = IntegritySignal.objects.filter(proposal=proposal).order_by("kind").first()
    SignalCheck.objects.create(
        proposal=proposal,
        kind=signal.kind,
        fingerprint=signal.fingerprint,
        checked_by=reviewer,
        note="Brothers' clubs",
        checked_at=timezone.now(),
    )
    return proposal


def _client(user) -> Client:
    return log_in_with_second_factor(Client(), user)


def _page(client, proposal) -> str:
    response = client.get(reverse("grants:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_body_reads_no_table_its_key_leaves_out(proposal, manager):
    request = RequestFactory().get("/")
    request.user = manager
    with CaptureQueriesContext(connection) as queries:
        shown = get_partner_proposal_for(manager, proposal.pk, also=("grant", "report"))
        html = proposal_body.body(request, shown, None, lambda: _body_context(request, shown))
    # the body showed every kind of data (else the test would prove little)
    for words in (
        "Lego",
        "Robot kits",
        "Clear plan",
        "Call them",
        "photo.jpg",
        "Brothers",
        "Same bank account",
        "Last spring",
        "Girls",
    ):
        assert words in html, words
    read = {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
    covered = set(TABLE.findall(proposal_body.VERSIONS))
    assert read - covered - proposal_body.KEYED_OTHERWISE == set()


CHANGES = {
    "organisation": lambda p: Organisation.objects.filter(pk=p.organisation_id).update(
        name="Renamed Club"
    ),
    "budget line": lambda p: BudgetLine.objects.filter(proposal=p).update(
        description="Renamed kits"
    ),
    "focus group": lambda p: FocusGroup.objects.filter(code="girls").update(
        name_en="Renamed group"
    ),
    "review": lambda p: Review.objects.filter(proposal=p).update(comment="Renamed opinion"),
    "reviewer": lambda p: User.objects.filter(reviews__proposal=p).update(
        first_name="Renamed", last_name="Person"
    ),
    "comment": lambda p: ProposalComment.objects.filter(proposal=p).update(body="Renamed note"),
    "answer": lambda p: QuestionChoice.objects.filter(question__answers__proposal=p).update(
        label_en="Renamed choice"
    ),
    "earlier proposal": lambda p: Proposal.objects.filter(
        organisation=p.organisation, title="Last spring's robots"
    ).update(title="Renamed earlier"),
    "signal check": lambda p: SignalCheck.objects.filter(proposal=p).update(note="Renamed check"),
    "budget": lambda p: CountryProgramme.objects.filter(pk=p.country_programme_id).update(
        budget=Decimal("98765")
    ),
}
SHOWN = {
    "organisation": "Renamed Club",
    "budget line": "Renamed kits",
    "focus group": "Renamed group",
    "review": "Renamed opinion",
    "reviewer": "Renamed Person",
    "comment": "Renamed note",
    "answer": "Renamed choice",
    "earlier proposal": "Renamed earlier",
    "signal check": "Renamed check",
    "budget": "98,765",
}


@pytest.mark.parametrize("what", CHANGES)
def test_a_change_shows_on_the_next_request_even_behind_the_services_back(proposal, manager, what):
    client = _client(manager)
    assert SHOWN[what] not in _page(client, proposal)
    CHANGES[what](proposal)  # an update in the same transaction as the first page's reads
    assert SHOWN[what] in _page(client, proposal)


def test_a_new_and_a_deleted_row_show_at_once(proposal, manager, reviewer):
    client = _client(manager)
    _page(client, proposal)
    ProposalComment.objects.create(proposal=proposal, author=reviewer, body="A second thought")
    BudgetLine.objects.filter(proposal=proposal).delete()
    page = _page(client, proposal)
    assert "A second thought" in page
    assert "Robot kits" not in page


def test_the_body_is_kept_between_requests(proposal, manager):
    client = _client(manager)
    _page(client, proposal)
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, proposal)
    assert "Clear plan" in page and "Robot kits" in page
    read = {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
    # what only the body reads was not read again (the key's own query aside)
    body_only = {
        "events_budgetline",
        "grants_proposalcomment",
        "events_answer",
        "grants_signalcheck",
    }
    # the body's key (grants.reference hashes its own rows the same way, for the pager)
    key_queries = [
        q
        for q in queries.captured_queries
        if "string_agg(version" in q["sql"] and "events_budgetline" in q["sql"]
    ]
    assert len(key_queries) == 1
    others = {
        table
        for query in queries.captured_queries
        if query not in key_queries
        for table in TABLE.findall(query["sql"])
    }
    assert body_only <= read and not body_only & others


def test_reviewers_share_the_body_but_not_their_own_review(proposal, reviewer, programme):
    colleague = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER).user
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.SUBMITTED)
    mine = _page(_client(reviewer), proposal)
    theirs = _page(_client(colleague), proposal)
    assert ">Clear plan</textarea>" in mine and "Change your review" in mine
    assert ">Clear plan</textarea>" not in theirs and "Change your review" not in theirs


def test_a_reviewer_does_not_get_the_body_a_manager_was_shown(proposal, manager, programme):
    newcomer = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER)
    assert 'id="decisions"' in _page(_client(manager), proposal)
    assert 'id="decisions"' not in _page(_client(newcomer.user), proposal)


def test_each_person_s_forms_carry_their_own_csrf_token(proposal, manager, programme):
    colleague = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER)
    first = log_in_with_second_factor(Client(enforce_csrf_checks=True), manager)
    _page(first, proposal)  # the body is kept now, with the first person's forms
    second = log_in_with_second_factor(Client(enforce_csrf_checks=True), colleague.user)
    page = _page(second, proposal)
    form = page[page.index('action="' + reverse("grants:comment", args=[proposal.pk])) :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post(
        reverse("grants:comment", args=[proposal.pk]),
        {"csrfmiddlewaretoken": token, "body": "Seen", "to_applicant": "no"},
    )
    assert response.status_code == 302
    assert ProposalComment.objects.filter(proposal=proposal, body="Seen").exists()
