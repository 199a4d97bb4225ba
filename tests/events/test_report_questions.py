"""The edition's report questions (issue 18): asked on the post-event report, saved with it,
required on submit (the reason next to the field, nothing typed lost), shown to the partner."""

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Answer, Report
from programmes.models import Question, QuestionChoice
from tests.events.test_reports import approved_event, url, with_costs
from tests.factories import MembershipFactory, log_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    member = MembershipFactory()
    proposal, manager = approved_event(member.organisation)
    question = Question.objects.create(
        edition=proposal.country_programme.edition,
        form=Question.Form.REPORT,
        section=Question.Section.REPORT,
        kind=Question.Kind.SINGLE_CHOICE,
        text="Which robot kit did you use?",
        required=True,
    )
    chosen = QuestionChoice.objects.create(question=question, label="Micro:bit", position=1)
    QuestionChoice.objects.create(question=question, label="Lego Spike", position=2)
    applicant = Client()
    applicant.force_login(member.user)
    return proposal, manager, question, chosen, applicant


def test_a_required_report_question_is_asked_answered_and_shown_to_the_partner(world):
    proposal, manager, question, chosen, applicant = world
    page = applicant.get(url("report", proposal)).content.decode()
    assert "Which robot kit did you use?" in page and "Micro:bit" in page

    refused = applicant.post(url("report_submit", proposal), with_costs(proposal))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Answer this question to submit." in body
    assert "The children built three games." in body  # what was typed stays
    assert Report.objects.get(proposal=proposal).status == Report.Status.DRAFT

    answered = {**with_costs(proposal), f"q_{question.pk}": str(chosen.pk)}
    assert applicant.post(url("report_submit", proposal), answered).status_code == 302
    assert Report.objects.get(proposal=proposal).status == Report.Status.SUBMITTED
    assert Answer.objects.get(proposal=proposal, question=question).value == chosen.pk

    partner = Client()
    log_in_with_second_factor(partner, manager)
    partner_page = partner.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()
    assert "Which robot kit did you use?" in partner_page and "Micro:bit" in partner_page


def test_report_questions_are_not_asked_on_the_application_form(world):
    proposal, _manager, question, _chosen, applicant = world
    summary = applicant.get(reverse("events:detail", args=[proposal.pk])).content.decode()
    assert "Which robot kit did you use?" not in summary
