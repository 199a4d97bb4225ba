"""The edition's extra questions on the applicant's form (issue 18): asked in their section,
saved with it, required on submit, shown on the applicant's summary and the partner's page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.forms import section_form
from events.models import Answer, Proposal
from grants.services import request_changes
from organisations.models import OrganisationValidation, PartnerStaff, User
from programmes.models import Question, QuestionChoice
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = CountryProgrammeFactory()  # Luxembourg
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    return programme


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.fixture
def draft(member, programme):
    proposal = ProposalFactory(organisation=member.organisation, country_programme=programme)
    BudgetLineFactory(proposal=proposal, amount=Decimal("400.00"))
    OrganisationValidation.objects.create(
        organisation=member.organisation,
        edition=programme.edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    return proposal


def _question(programme, **fields) -> Question:
    fields.setdefault("section", Question.Section.AUDIENCE)
    fields.setdefault("kind", Question.Kind.NUMBER)
    fields.setdefault("text", "How many girls do you expect?")
    return Question.objects.create(edition=programme.edition, **fields)


def _edit(client, proposal) -> str:
    response = client.get(reverse("events:edit", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _save(client, proposal, section, answers):
    """Save a section as the form sends it: its fields as they are, with ``answers``."""
    form = section_form(section, proposal)
    data = {}
    for name, value in form.initial.items():
        if value is None or value is False or name not in form.fields:
            continue
        if value is True:
            value = "on"
        elif hasattr(value, "__iter__") and not isinstance(value, str):
            value = [getattr(item, "pk", item) for item in value]
        data[f"{section}-{name}"] = value
    data.update(answers)
    return client.post(reverse("events:save_section", args=[proposal.pk, section]), data)


def test_the_applicant_answers_in_the_section_and_sees_it_on_the_summary(client, draft, programme):
    girls = _question(programme, min_value=0, max_value=500, required=True)
    robots = _question(
        programme, section=Question.Section.EVENT, kind=Question.Kind.MULTIPLE_CHOICE,
        text="Which robots will you use?", text_de="Welche Roboter nutzen Sie?",
    )  # fmt: skip
    thymio = QuestionChoice.objects.create(question=robots, label="Thymio", position=1)
    QuestionChoice.objects.create(question=robots, label="LEGO Spike", position=2)
    page = _edit(client, draft)
    assert f'name="audience-q_{girls.pk}"' in page
    assert "Which robots will you use?" in page

    response = _save(client, draft, "audience", {f"audience-q_{girls.pk}": "12"})
    assert response.status_code == 302
    _save(client, draft, "event", {f"event-q_{robots.pk}": [thymio.pk]})
    assert Answer.objects.get(question=girls).value == 12
    assert Answer.objects.get(question=robots).value == [thymio.pk]
    page = _edit(client, draft)
    assert 'value="12"' in page  # what was saved comes back into the form

    summary = client.get(reverse("events:submit", args=[draft.pk])).content.decode()
    assert "How many girls do you expect?" in summary and ">12<" in summary
    assert "Thymio" in summary and "LEGO Spike" not in summary


def test_a_number_out_of_bounds_is_refused_next_to_the_field_keeping_the_rest(
    client, draft, programme
):
    girls = _question(programme, min_value=0, max_value=50)
    response = _save(
        client, draft, "audience",
        {f"audience-q_{girls.pk}": "80", "audience-expected_participants": "24"},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value is less than or equal to 50." in body
    assert 'value="80"' in body and 'value="24"' in body
    assert not Answer.objects.exists()


def test_a_required_question_is_asked_for_on_submit(client, draft, programme):
    girls = _question(programme, required=True)
    response = client.post(reverse("events:submit", args=[draft.pk]))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'data-field="q_{girls.pk}"' in body
    assert "Answer this question to submit." in body
    assert f"#field-audience-q_{girls.pk}" in body or f"#field-q_{girls.pk}" in body
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.DRAFT

    _save(client, draft, "audience", {f"audience-q_{girls.pk}": "7"})
    done = client.post(reverse("events:submit", args=[draft.pk]))
    assert done.status_code == 302, [
        line for line in done.content.decode().splitlines() if "data-field" in line
    ]
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.SUBMITTED


def test_only_the_edition_s_and_the_country_s_questions_are_asked(client, draft, programme):
    belgian = _question(programme, country="BE", text="Question for Belgium only")
    ours = _question(programme, country="LU", text="Question for Luxembourg")
    hidden = _question(programme, hidden=True, text="A question no longer asked")
    other_edition = CountryProgrammeFactory(
        edition__year=programme.edition.year + 1, country="LU"
    ).edition
    Question.objects.create(
        edition=other_edition, section="event", kind="short_text", text="Next year's question"
    )
    page = _edit(client, draft)
    assert ours.text in page
    assert belgian.text not in page and hidden.text not in page and "Next year" not in page


def test_a_hidden_question_keeps_showing_its_answer_to_those_who_gave_it(client, draft, programme):
    question = _question(programme, kind=Question.Kind.YES_NO, text="Do you reach refugees?")
    _save(client, draft, "audience", {f"audience-q_{question.pk}": "yes"})
    question.hidden = True
    question.save()
    assert "Do you reach refugees?" in _edit(client, draft)
    summary = client.get(reverse("events:submit", args=[draft.pk])).content.decode()
    assert "Do you reach refugees?" in summary


def test_the_partner_sees_the_answers_on_the_proposal_page(client, draft, programme):
    question = _question(programme, kind=Question.Kind.LONG_TEXT, text="Who helps you?")
    _save(client, draft, "audience", {f"audience-q_{question.pk}": "The town's library"})
    client.post(reverse("events:submit", args=[draft.pk]))
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    page = log_in_with_second_factor(Client(), manager).get(
        reverse("grants:proposal", args=[draft.pk])
    )
    html = page.content.decode()
    assert "Who helps you?" in html and "The town&#x27;s library" in html


def test_what_changed_on_a_resubmission_names_the_answer(client, draft, programme):
    question = _question(programme, kind=Question.Kind.YES_NO, text="Do you reach refugees?")
    _save(client, draft, "audience", {f"audience-q_{question.pk}": "no"})
    assert client.post(reverse("events:submit", args=[draft.pk])).status_code == 302
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    request_changes(draft, actor=manager, message="Tell us more about who comes.")

    _save(client, draft, "audience", {f"audience-q_{question.pk}": "yes"})
    assert client.post(reverse("events:submit", args=[draft.pk])).status_code == 302

    page = log_in_with_second_factor(Client(), manager).get(
        reverse("grants:proposal", args=[draft.pk])
    )
    changes = page.content.decode().split('id="changes-title"')[1].split("</section>")[0]
    assert "Do you reach refugees?" in changes
    assert "No" in changes and "Yes" in changes


def _export(client, name) -> list[list]:
    response = client.get(reverse(name), {"todo": "all"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if name == "grants:export_csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_staff_add_a_question_the_applicant_answers_it_the_partner_exports_it(
    client, draft, programme
):
    staff = log_in_with_second_factor(
        Client(), User.objects.create_superuser("programme@example.org", "x")
    )
    added = staff.post(
        reverse("admin:programmes_question_add"),
        {
            "edition": programme.edition.pk, "form": "proposal", "section": "audience",
            "position": "1", "text_en": "How many girls do you expect?",
            "text_de": "Wie viele Mädchen erwarten Sie?", "kind": "number", "min_value": "0",
            "choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip
    assert added.status_code == 302
    question = Question.objects.get()

    assert "How many girls do you expect?" in _edit(client, draft)
    _save(client, draft, "audience", {f"audience-q_{question.pk}": "11"})
    assert client.post(reverse("events:submit", args=[draft.pk])).status_code == 302

    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    partner = log_in_with_second_factor(Client(), manager)
    assert (
        "How many girls do you expect?"
        in partner.get(reverse("grants:proposal", args=[draft.pk])).content.decode()
    )
    for name in ("grants:export_csv", "grants:export_xlsx"):
        header, *rows = _export(partner, name)
        assert header[-1] == "How many girls do you expect?"
        assert [str(row[-1]) for row in rows] == ["11"]


def test_a_file_question_takes_a_checked_pdf_kept_until_replaced_and_private(
    client, draft, programme
):
    question = _question(
        programme,
        section=Question.Section.EVENT,
        kind=Question.Kind.FILE,
        text="Your programme of the day (PDF)",
    )
    name = f"event-q_{question.pk}"
    form_page = _edit(client, draft)
    assert 'enctype="multipart/form-data"' in form_page.split('id="section-event"')[1]

    bad = io.BytesIO(b"%PDF-1.4 <html><script>alert(1)</script>")
    bad.name = "plan.pdf"
    refused = _save(client, draft, "event", {name: bad, "event-title": "Kept title"})
    assert refused.status_code == 400
    assert "is not a plain PDF" in refused.content.decode()
    assert 'value="Kept title"' in refused.content.decode()
    assert not Answer.objects.filter(question=question).exists()

    good = io.BytesIO(b"%PDF-1.4 the plan of the day")
    good.name = "Tagesplan.pdf"
    _save(client, draft, "event", {name: good})
    answer = Answer.objects.get(question=question)
    assert answer.file_name == "Tagesplan.pdf" and answer.value == "Tagesplan.pdf"
    assert "Tagesplan" not in answer.file.name  # the server names what it stores

    _save(client, draft, "event", {})  # a save without a new file keeps the one given
    assert Answer.objects.get(question=question).file.name == answer.file.name

    summary = client.get(reverse("events:detail", args=[draft.pk])).content.decode()
    link = reverse("events:answer_file", args=[draft.pk, question.pk])
    assert link in summary and "Tagesplan.pdf" in summary
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the plan of the day"

    stranger = Client()
    stranger.force_login(MembershipFactory().user)
    assert stranger.get(link).status_code == 404
    partner = Client()
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    log_in_with_second_factor(partner, manager)
    # A draft is the organisation's alone; once submitted its partner reads the file too (the
    # permission matrix asks it of an approved proposal's, tests/test_permission_matrix.py).
    assert partner.get(link).status_code == 404
