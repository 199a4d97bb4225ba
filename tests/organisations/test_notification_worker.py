"""A real Celery worker, consuming from the real Redis broker, delivers notifications end to end.

The worker runs in a thread of this process (celery.contrib.testing), so its mails land in the
locmem outbox; it has its own database connection, hence committed transactions (transaction=True).
"""

import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from grants.services import approve_proposal
from meetandcode.celery import app as celery_app
from organisations.models import Notification
from organisations.tasks import send_notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    submit_in_window,
)
from tests.waiting import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


ROUTING = ("task_default_queue", "task_default_exchange", "task_default_routing_key")


def _use_queue(names: tuple) -> None:
    """Route tasks by these names; the app caches its queues and router, so drop them."""
    for setting, name in zip(ROUTING, names, strict=True):
        celery_app.conf[setting] = name
    for cached in ("queues", "default_queue", "default_exchange", "router"):
        celery_app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def worker():
    """A worker on the Redis broker; the tasks the code queues go through Redis to it.

    On a queue of this test's own: another pytest-xdist process (same Redis database) may run a
    worker at the same time, and must not take this test's messages to its own database.
    """
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, tuple(conf[name] for name in ROUTING)
    conf.broker_url, conf.task_always_eager = settings.REDIS_URL, False
    queue = f"test-notifications-{uuid.uuid4().hex}"
    _use_queue((queue,) * 3)
    try:
        with start_worker(
            celery_app, perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
        ) as running:
            yield running
    finally:
        conf.broker_url, conf.task_always_eager = saved[:2]
        _use_queue(saved[2])
        bindings = (f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}", queue)
        redis.Redis.from_url(settings.REDIS_URL).delete(*bindings)


def _all_sent() -> bool:
    return not Notification.objects.exclude(status=Notification.Status.SENT).exists()


def test_approving_a_proposal_gets_the_mail_out_through_redis_and_a_worker(worker, mailoutbox):
    programme = CountryProgrammeFactory()
    owner = UserFactory(email="owner@codeclub.example.org")
    manager = PartnerStaffFactory(partner=programme.partner).user
    proposal = ProposalFactory(
        organisation=MembershipFactory(user=owner).organisation,
        country_programme=programme,
        title="Robots in the library",
    )
    submit_in_window(proposal, actor=owner)
    wait_until(
        lambda: Notification.objects.count() == 2 and _all_sent(), "the submit mails", WAIT_SECONDS
    )

    grant = approve_proposal(proposal, actor=manager)

    wait_until(
        lambda: Notification.objects.filter(kind="proposal_approved", status="sent").exists(),
        "the approval mail",
        WAIT_SECONDS,
    )
    approved = [m for m in mail.outbox if "Grant approved" in m.subject]
    assert len(approved) == 1 and approved[0].to == [owner.email]
    assert grant.reference in approved[0].body
    assert len(mail.outbox) == Notification.objects.count() == 3  # each row sent once


def test_the_same_task_queued_twice_sends_one_mail(worker, mailoutbox):
    row = Notification.objects.create(
        recipient=UserFactory(),
        kind="proposal_rejected",
        context={"proposal": "Robots", "reason": "Too late."},
    )

    send_notification.delay(row.pk)
    send_notification.delay(row.pk)

    wait_until(_all_sent, "the mail", WAIT_SECONDS)
    time.sleep(1)  # room for the second delivery to (not) send
    row.refresh_from_db()
    assert row.attempts == 1 and len(mail.outbox) == 1
