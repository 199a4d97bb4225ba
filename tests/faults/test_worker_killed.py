"""A Celery worker killed with kill -9 in the middle of its work: building an award letter, and
sending an e-mail. Another worker takes the task Redis hands out again: one letter, one e-mail.

The web side is this process (``approve_proposal`` queues on the test's own Redis); workers are
``celery worker`` processes on the test database (tests/integration/conftest.py).
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Proposal
from grants.letters import current_letter
from grants.models import AwardLetter
from grants.services import approve_proposal
from organisations.models import AuditEntry, Notification
from organisations.tasks import send_notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
)
from tests.integration.conftest import sent_mails
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.faults,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

SLOW_BACKEND = "tests.integration.slow_mail.SlowFileBackend"
# Short windows so the tests need not wait an hour: Redis hands out an unacknowledged message
# again after 3 s, and a row "sending" for 2 s counts as lost by its worker.
WINDOWS = {"BROKER_VISIBILITY_TIMEOUT": "3", "NOTIFICATION_CLAIM_TIMEOUT": "2"}


def test_a_worker_killed_while_building_the_letter_leaves_one_letter_and_one_mail(
    broker, workers, mail_dir, private_storage, tmp_path
):
    applicant = UserFactory(email="owner@codeclub.example.org")
    proposal = ProposalFactory(
        organisation=MembershipFactory(user=applicant).organisation,
        country_programme=CountryProgrammeFactory(),
        status=Proposal.Status.SUBMITTED,
        requested_amount=Decimal("400.00"),
    )
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    mark = tmp_path / "building-the-letter"
    slow = workers.start(app="tests.faults.slow_letters", SLOW_LETTER_MARK=str(mark), **WINDOWS)

    grant = approve_proposal(proposal, actor=manager)
    wait_until(mark.exists, "the worker to be building the letter", 60, workers.logs)

    workers.kill(slow)  # kill -9 inside build_award_letter's transaction

    assert not AwardLetter.objects.exists() and not sent_mails(mail_dir)
    workers.start(**WINDOWS)  # takes the messages Redis restores, without any sweep running

    def delivered() -> bool:
        return Notification.objects.filter(kind="proposal_approved", status="sent").exists()

    wait_until(delivered, "the approval mail after the kill", 60, workers.logs)
    wait_until(lambda: current_letter(grant) is not None, "the letter", 30, workers.logs)
    time.sleep(2)  # room for the other redelivered task to (not) add a letter or a mail
    letters = list(AwardLetter.objects.filter(grant=grant))
    assert [(letter.version, letter.superseded) for letter in letters] == [(1, False)]
    assert [p.name for p in private_storage.rglob("*.pdf")] == [f"{grant.reference}-v1.pdf"]
    assert AuditEntry.objects.filter(action="award_letter.build").count() == 1
    mails = sent_mails(mail_dir)
    assert [m["to"] for m in mails] == ["owner@codeclub.example.org"]
    [attachment] = mails[0].iter_attachments()
    with letters[0].file.open("rb") as stored:
        assert attachment.get_content() == stored.read()
    assert Notification.objects.filter(kind="proposal_approved").count() == 1


def test_a_worker_killed_while_sending_is_redelivered_and_the_mail_goes_out_once(
    broker, workers, mail_dir
):
    row = Notification.objects.create(
        recipient=UserFactory(email="ioana@example.org"),
        kind="proposal_rejected",
        context={"proposal": "Robots in the library"},
    )
    slow = workers.start(EMAIL_BACKEND=SLOW_BACKEND, SLOW_MAIL_SECONDS="60", **WINDOWS)
    send_notification.delay(row.pk)
    wait_until(
        lambda: Notification.objects.filter(pk=row.pk, status="sending").exists(),
        "the first worker to claim the row",
        30,
        workers.logs,
    )
    time.sleep(0.5)  # inside the slowed backend now

    workers.kill(slow)  # kill -9, the worker and its pool process, in the middle of sending

    row.refresh_from_db()
    assert row.status == "sending" and not list(mail_dir.iterdir())
    time.sleep(max(0.0, (row.claimed_at + timedelta(seconds=3.5) - timezone.now()).total_seconds()))
    workers.start(**WINDOWS)  # takes the message Redis restores, without any sweep running

    wait_until(
        lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(),
        "the redelivered message to be sent",
        30,
        workers.logs,
    )
    time.sleep(1)  # room for a duplicate to (not) arrive
    row.refresh_from_db()
    assert row.attempts == 2  # one attempt killed, one that sent
    mails = sent_mails(mail_dir)
    assert len(list(mail_dir.iterdir())) == len(mails) == 1
    assert mails[0]["to"] == "ioana@example.org"
