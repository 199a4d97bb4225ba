"""Real Celery worker processes on a real Redis deliver the award letter and the approval e-mail,
once, through a worker killed with kill -9 and through Redis being down at the approval.

The web side is this process: ``approve_proposal`` commits and queues its tasks on the test's own
Redis server (tests/integration/conftest.py); ``celery -A meetandcode worker`` subprocesses on the
same test database take them, store the letter in the test's private folder and write each e-mail
as a file.
"""

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from events.models import Proposal
from grants.letters import current_letter, letter_filename
from grants.models import AwardLetter, Grant
from grants.services import approve_proposal
from organisations.models import Notification
from organisations.tasks import send_notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
)

from .conftest import sent_mails, wait_until

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

SLOW_BACKEND = "tests.integration.slow_mail.SlowFileBackend"


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
    assert grant.reference in pdf_text(content) and "400.00 EUR" in pdf_text(content)


def test_approving_a_proposal_gets_the_letter_and_the_mail_with_it_from_a_worker_process(
    broker, workers, mail_dir, private_storage, proposal, manager, applicant
):
    workers.start()

    grant = approve_proposal(proposal, actor=manager)

    wait_until(approval_sent, "the approval mail", on_timeout=workers.logs)
    letter = current_letter(grant)
    assert letter.version == 1 and AwardLetter.objects.count() == 1
    assert (private_storage / letter.file.name).is_file()  # stored privately, by the worker
    assert_one_approval_mail_with_the_letter(mail_dir, grant, applicant.email)
    assert len(list(mail_dir.iterdir())) == 1


def test_a_worker_killed_while_sending_is_redelivered_and_the_mail_goes_out_once(
    broker, workers, mail_dir
):
    # Short windows so the test need not wait an hour: Redis hands out an unacknowledged message
    # again after 3 s, and a row "sending" for 2 s counts as lost by its worker.
    windows = {"BROKER_VISIBILITY_TIMEOUT": "3", "NOTIFICATION_CLAIM_TIMEOUT": "2"}
    row = Notification.objects.create(
        recipient=UserFactory(email="ioana@example.org"),
        kind="proposal_rejected",
        context={"proposal": "Robots in the library"},
    )
    slow = workers.start(EMAIL_BACKEND=SLOW_BACKEND, SLOW_MAIL_SECONDS="60", **windows)
    send_notification.delay(row.pk)
    wait_until(
        lambda: Notification.objects.filter(pk=row.pk, status="sending").exists(),
        "the first worker to claim the row",
        on_timeout=workers.logs,
    )
    time.sleep(0.5)  # inside the slowed backend now

    workers.kill(slow)  # kill -9, the worker and its pool process, in the middle of sending

    row.refresh_from_db()
    assert row.status == "sending" and not list(mail_dir.iterdir())
    time.sleep(max(0.0, (row.claimed_at + timedelta(seconds=3.5) - timezone.now()).total_seconds()))
    workers.start(**windows)  # takes the message Redis restores, without any sweep running

    wait_until(
        lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(),
        "the redelivered message to be sent",
        on_timeout=workers.logs,
    )
    time.sleep(1)  # room for a duplicate to (not) arrive
    row.refresh_from_db()
    assert row.attempts == 2  # one attempt killed, one that sent
    mails = sent_mails(mail_dir)
    assert len(list(mail_dir.iterdir())) == len(mails) == 1
    assert mails[0]["to"] == "ioana@example.org"


def test_with_redis_down_the_approval_succeeds_and_letter_and_mail_follow_once_it_is_back(
    broker, workers, mail_dir, proposal, manager, applicant
):
    broker.stop()

    grant = approve_proposal(proposal, actor=manager)

    assert Grant.objects.filter(pk=grant.pk, status=Grant.Status.ACTIVE).exists()
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.APPROVED
    assert not AwardLetter.objects.exists()
    assert Notification.objects.get(kind="proposal_approved").status == "pending"

    broker.start()  # back, empty: the tasks queued at the approval never reached it
    sweeps = {"NOTIFICATION_SWEEP_SECONDS": "1", "LETTER_SWEEP_SECONDS": "1"}
    workers.start(beat=True, NOTIFICATION_ENQUEUE_GRACE="0", **sweeps)

    wait_until(approval_sent, "the sweeps to deliver the approval mail", on_timeout=workers.logs)
    wait_until(lambda: current_letter(grant) is not None, "the letter", on_timeout=workers.logs)
    time.sleep(1.5)  # another sweep or two: nothing goes out twice
    assert AwardLetter.objects.filter(grant=grant).count() == 1
    assert_one_approval_mail_with_the_letter(mail_dir, grant, applicant.email)
