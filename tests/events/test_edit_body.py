"""The proposal form's sections, kept until a row they show changes (events.edit_body, issue 19):
they read no table the key leaves out, every change shows on the next request (made behind the
services' back too), they are kept at all, and each person's forms carry their own CSRF token."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import edit_body
from events.models import Answer, BudgetLine, FocusGroup, Proposal
from events.views import _sections
from programmes.models import CountryProgramme, Question, QuestionChoice
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    FocusGroupFactory,
    MembershipFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


@pytest.fixture
def programme():
    programme = CountryProgrammeFactory()
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    return programme


@pytest.fixture
def draft(programme):
    """A draft showing every kind of data the sections can: a budget line, a focus group, an
    extra choice question answered."""
    proposal = ProposalFactory(
        country_programme=programme, status=Proposal.Status.DRAFT, title="Robots for all"
    )
    FocusGroupFactory(code="girls", name="Girls")
    BudgetLineFactory(proposal=proposal, description="Robot kits", amount=Decimal("150"))
    kits = Question.objects.create(
        edition=programme.edition, section="audience", kind="multiple_choice", text="Which kits?"
    )
    lego = QuestionChoice.objects.create(question=kits, label="Lego", position=1)
    Answer.objects.create(proposal=proposal, question=kits, value=[lego.pk])
    return proposal


def _member(proposal) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=proposal.organisation).user)
    return client


def _form(client, proposal) -> str:
    response = client.get(reverse("events:edit", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_sections_read_no_table_their_key_leaves_out(draft):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        proposal = Proposal.objects.select_related("country_programme__edition").get(pk=draft.pk)
        html = edit_body.sections(
            request, proposal, None, lambda: {"proposal": proposal, "sections": _sections(proposal)}
        )
    for words in ("Robot kits", "Lego", "Girls", "Robots for all"):
        assert words in html, words
    read = {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
    assert read - set(TABLE.findall(edit_body.VERSIONS)) == set()


CHANGES = {
    "title": (
        lambda p: Proposal.objects.filter(pk=p.pk).update(title="Renamed event"),
        "Renamed event",
    ),
    "budget line": (
        lambda p: BudgetLine.objects.filter(proposal=p).update(description="Renamed kits"),
        "Renamed kits",
    ),
    "focus group": (
        lambda p: FocusGroup.objects.filter(code="girls").update(name_en="Renamed group"),
        "Renamed group",
    ),
    "choice": (
        lambda p: QuestionChoice.objects.filter(label="Lego").update(label_en="Renamed choice"),
        "Renamed choice",
    ),
    "question": (
        lambda p: Question.objects.filter(text="Which kits?").update(text_en="Renamed question"),
        "Renamed question",
    ),
    "maximum grant": (
        lambda p: CountryProgramme.objects.filter(pk=p.country_programme_id).update(
            max_grant=Decimal("432")
        ),
        "432",
    ),
}


@pytest.mark.parametrize("what", CHANGES)
def test_a_change_shows_on_the_next_request_even_behind_the_services_back(draft, what):
    change, shown = CHANGES[what]
    client = _member(draft)
    assert shown not in _form(client, draft)
    change(draft)  # an update in the same transaction as the first page's reads
    assert shown in _form(client, draft)


def test_the_sections_are_kept_between_requests(draft):
    client = _member(draft)
    _form(client, draft)
    with CaptureQueriesContext(connection) as queries:
        page = _form(client, draft)
    assert "Robot kits" in page and "Lego" in page
    key = [q for q in queries.captured_queries if "string_agg(version" in q["sql"]]
    others = {
        table
        for query in queries.captured_queries
        if query not in key
        for table in TABLE.findall(query["sql"])
    }
    assert len(key) == 1
    assert not {"events_budgetline", "events_answer", "programmes_questionchoice"} & others


def test_each_member_s_forms_carry_their_own_csrf_token(draft):
    first = Client(enforce_csrf_checks=True)
    first.force_login(MembershipFactory(organisation=draft.organisation).user)
    _form(first, draft)  # the sections are kept now, with the first person's forms
    second = Client(enforce_csrf_checks=True)
    second.force_login(MembershipFactory(organisation=draft.organisation).user)
    page = _form(second, draft)
    section = page[page.index('id="section-event"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', section).group(1)
    response = second.post(
        reverse("events:save_section", args=[draft.pk, "event"]),
        {
            "csrfmiddlewaretoken": token,
            "event-title": "Saved by the second",
            "event-description": "",
            "event-format": "",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=draft.pk).title == "Saved by the second"
