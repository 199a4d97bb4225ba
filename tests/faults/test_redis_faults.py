"""Redis refusing connections, and Redis frozen (SIGSTOP), while an applicant submits a proposal
and a manager approves it through the real views.

Each request still answers within 3 s: the cache and the broker give up after
REDIS_TIMEOUT_SECONDS, and the notifications and the award-letter task that could not be queued
wait in the database. When Redis is back, a real worker with beat (the outbox and letter sweeps)
delivers them: exactly one of each.
"""

import os
import signal
import time

import pytest
from django.urls import reverse

from events.models import Proposal
from grants.models import AwardLetter, Grant
from meetandcode.kernel import redis_outage
from organisations.models import AuditEntry, Notification
from tests.integration.conftest import sent_mails
from tests.waiting import wait_until

from .journey import approve, client_for, manager_client, open_programme, submit, submittable_draft

pytestmark = [
    pytest.mark.faults,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

REQUEST_LIMIT_SECONDS = 3.0
SWEEPS = {
    "NOTIFICATION_SWEEP_SECONDS": "1",
    "LETTER_SWEEP_SECONDS": "1",
    "NOTIFICATION_ENQUEUE_GRACE": "0",
}


def refuse(server) -> None:
    server.stop()  # nothing listens on the port: every connection is refused at once


def freeze(server) -> None:
    os.kill(server.process.pid, signal.SIGSTOP)  # connections open, nothing ever answers


def back_after_refusing(server) -> None:
    server.start()  # a fresh, empty Redis on the same port


def back_after_freezing(server) -> None:
    os.kill(server.process.pid, signal.SIGCONT)


FAULTS = {"refusing": (refuse, back_after_refusing), "frozen": (freeze, back_after_freezing)}


@pytest.fixture
def cache_on_the_test_redis(settings, broker):
    """The cache on the test's own Redis too, so the fault hits every Redis call of a request."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": broker.url, "KEY_PREFIX": "faults"}
    }


@pytest.mark.parametrize("fault", FAULTS)
def test_submit_and_approve_answer_quickly_without_redis_and_everything_follows_once(
    fault, broker, workers, mail_dir, cache_on_the_test_redis, capsys
):
    programme = open_programme()
    proposal, applicant = submittable_draft(programme)
    applicant_client = client_for(applicant)
    managers_client, _manager = manager_client(programme)
    break_redis, mend_redis = FAULTS[fault]

    break_redis(broker)
    try:
        submitted, submit_seconds = submit(applicant_client, proposal)
        redis_outage.reset()  # the worst case: each request in a process that still asks Redis
        approved, approve_seconds = approve(managers_client, proposal)
        redis_outage.reset()
        page = applicant_client.get(reverse("events:detail", args=[proposal.pk]))
    finally:
        mend_redis(broker)

    with capsys.disabled():
        print(f"\n[redis {fault}] submit {submit_seconds:.2f} s, approve {approve_seconds:.2f} s")
    assert submitted.status_code == approved.status_code == 302, (submitted, approved)
    assert submit_seconds < REQUEST_LIMIT_SECONDS and approve_seconds < REQUEST_LIMIT_SECONDS
    assert page.status_code == 200
    assert Proposal.objects.get().status == Proposal.Status.APPROVED
    grant = Grant.objects.get()
    assert grant.status == Grant.Status.ACTIVE

    workers.start(beat=True, **SWEEPS)

    def all_delivered() -> bool:
        return (
            AwardLetter.objects.exists()
            and not Notification.objects.exclude(status=Notification.Status.SENT).exists()
        )

    def state() -> str:
        rows = Notification.objects.values_list("kind", "status", "attempts", "last_error")
        return f"\nletters: {AwardLetter.objects.count()}; notifications: {list(rows)}" + (
            workers.logs()
        )

    wait_until(all_delivered, "the sweeps to deliver letter and notifications", 60, state)
    time.sleep(2.5)  # two more sweeps: a duplicate would have time to appear
    assert_exactly_once(grant, mail_dir)


def assert_exactly_once(grant, mail_dir) -> None:
    assert Proposal.objects.count() == 1 and Grant.objects.count() == 1
    assert AwardLetter.objects.filter(grant=grant).count() == 1
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("proposal.submit") == actions.count("proposal.approve") == 1
    rows = sorted(Notification.objects.values_list("kind", "recipient__email", "status"))
    assert rows == [
        ("proposal_approved", "owner@codeclub.example.org", "sent"),
        ("proposal_submitted", "manager@partner.lu", "sent"),
        ("proposal_submitted", "owner@codeclub.example.org", "sent"),
    ]
    mails = sorted((m["to"], m["subject"].split(":")[0]) for m in sent_mails(mail_dir))
    assert mails == [
        ("manager@partner.lu", "[Meet and Code] Proposal submitted"),
        ("owner@codeclub.example.org", "[Meet and Code] Grant approved"),
        ("owner@codeclub.example.org", "[Meet and Code] Proposal submitted"),
    ]
