"""Real Celery worker processes on a real Redis deliver the award letter and the approval e-mail,
once. Workers killed with kill -9 and Redis down or frozen are in tests/faults/ (make faults).

The web side is this process: ``approve_proposal`` commits and queues its tasks on the test's own
Redis server (tests/integration/conftest.py); ``celery -A meetandcode worker`` subprocesses on the
same test database take them, store the letter in the test's private folder and write each e-mail
as a file.
"""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from events.models import Proposal
from grants.letters import current_letter, letter_filename
from grants.models import AwardLetter, Grant
from grants.services import approve_proposal
from meetandcode.kernel.formatting import format_money
from organisations.models import Notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
)
from tests.waiting import wait_until

from .conftest import sent_mails

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def applicant():
    return UserFactory(email="owner@codeclub.example.org")


@pytest.fixture
def proposal(applicant):
    programme = CountryProgrammeFactory()
    return ProposalFactory(
        organisation=MembershipFactory(user=applicant).organisation,
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Robots in the library",
        requested_amount=Decimal("400.00"),
    )


@pytest.fixture
def manager(proposal):
    return PartnerStaffFactory(partner=proposal.country_programme.partner).user


def approval_sent() -> bool:
    return Notification.objects.filter(kind="proposal_approved", status="sent").exists()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_one_approval_mail_with_the_letter(mail_dir, grant: Grant, to: str):
    mails = [m for m in sent_mails(mail_dir) if "Grant approved" in m["subject"]]
    assert len(mails) == 1, [m["subject"] for m in sent_mails(mail_dir)]
    assert mails[0]["to"] == to and grant.reference in mails[0]["subject"]
    attached = list(mails[0].iter_attachments())
    assert [a.get_content_type() for a in attached] == ["application/pdf"]
    letter = current_letter(grant)
    assert attached[0].get_filename() == letter_filename(letter)
    content = attached[0].get_content()
    with letter.file.open("rb") as stored:
        assert content == stored.read()  # the stored letter, as it is
    amount = format_money(grant.amount, grant.currency, letter.language)  # "400,00 EUR" in French
    assert grant.reference in pdf_text(content) and amount in pdf_text(content)


def test_approving_a_proposal_gets_the_letter_and_the_mail_with_it_from_a_worker_process(
    broker, workers, mail_dir, private_storage, proposal, manager, applicant
):
    workers.start()

    grant = approve_proposal(proposal, actor=manager)

    wait_until(approval_sent, "the approval mail", 30, workers.logs)
    letter = current_letter(grant)
    assert letter.version == 1 and AwardLetter.objects.count() == 1
    assert (private_storage / letter.file.name).is_file()  # stored privately, by the worker
    assert_one_approval_mail_with_the_letter(mail_dir, grant, applicant.email)
    assert len(list(mail_dir.iterdir())) == 1
