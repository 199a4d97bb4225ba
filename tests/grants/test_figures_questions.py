"""The programme figures count the answers to each choice and yes/no question (issue 18): of
submitted proposals only, of the countries the person sees."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Answer, Proposal
from organisations.models import PartnerStaff
from programmes.models import Question, QuestionChoice
from tests.factories import (
    CountryProgrammeFactory,
    PartnerStaffFactory,
    ProposalFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db


def _counts(page: str, question: Question) -> dict[str, int]:
    block = page.split(f'id="question-count-{question.pk}"')[1].split("</table>")[0]
    return {key: int(n) for key, n in re.findall(r'data-answer="(\w+)">(\d+)<', block)}


def test_the_figures_count_each_choice_of_submitted_proposals_in_the_partner_s_countries():
    lu = CountryProgrammeFactory(country="LU")
    be = CountryProgrammeFactory(country="BE", edition=lu.edition)
    kit = Question.objects.create(
        edition=lu.edition, section="audience", kind="multiple_choice", text="Which kits?"
    )
    microbit = QuestionChoice.objects.create(question=kit, label="Micro:bit", position=1)
    lego = QuestionChoice.objects.create(question=kit, label="Lego", position=2)
    girls = Question.objects.create(
        edition=lu.edition, section="audience", kind="yes_no", text="Girls only?"
    )

    def answered(programme, status, kits, girls_only):
        proposal = ProposalFactory(country_programme=programme, status=status)
        Answer.objects.create(proposal=proposal, question=kit, value=kits)
        Answer.objects.create(proposal=proposal, question=girls, value=girls_only)

    submitted, draft = Proposal.Status.SUBMITTED, Proposal.Status.DRAFT
    answered(lu, submitted, [microbit.pk, lego.pk], True)
    answered(lu, submitted, [microbit.pk], False)
    answered(lu, Proposal.Status.APPROVED, [microbit.pk], True)
    answered(lu, draft, [lego.pk], True)  # not submitted: not counted
    answered(be, submitted, [lego.pk], True)  # another country's

    manager = PartnerStaffFactory(partner=lu.partner, role=PartnerStaff.Role.MANAGER).user
    client = Client()
    log_in_with_second_factor(client, manager)
    page = client.get(reverse("grants:figures")).content.decode()

    assert "Which kits?" in page
    assert _counts(page, kit) == {str(microbit.pk): 3, str(lego.pk): 1}
    assert _counts(page, girls) == {"yes": 2, "no": 1}
