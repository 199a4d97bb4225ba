"""/healthz with Redis also says how much work waits: the Celery queue's length in Redis (LLEN)
and the notifications in the outbox, waiting or failed. Real Redis, real tasks, no worker."""

import datetime as dt
import uuid

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from meetandcode import health
from meetandcode.celery import app as celery_app
from organisations.models import Notification
from organisations.tasks import enqueue
from tests.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def task_queue(settings):
    """A Celery queue of the test's own in the broker (no worker takes from it): tests running
    beside it in other processes queue their tasks in the usual queue of the same Redis
    database, and would be counted here."""
    name = f"healthz-{uuid.uuid4().hex}"
    conf = celery_app.conf
    saved = conf.task_default_queue  # read first: Celery's settings read through to Django's
    settings.CELERY_TASK_DEFAULT_QUEUE = conf.task_default_queue = name
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield client
    conf.task_default_queue = saved
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    client.close()


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(health, "check_workers", lambda: (True, "1 answering"))


def notifications(status: str, count: int, *, age: dt.timedelta = dt.timedelta(0)) -> list[int]:
    recipient = UserFactory()
    rows = [Notification.objects.create(recipient=recipient, kind="proposal_submitted",
                                        status=status) for _ in range(count)]  # fmt: skip
    ids = [row.pk for row in rows]
    Notification.objects.filter(pk__in=ids).update(created_at=timezone.now() - age)
    return ids


def test_healthz_counts_queued_tasks_and_waiting_and_failed_notifications(
    client, task_queue, worker_answers
):
    pending = notifications("pending", 3, age=dt.timedelta(minutes=20))
    notifications("sending", 1)
    notifications("failed", 2)
    notifications("sent", 4)
    enqueue(pending)  # three real send_notification tasks, waiting for a worker

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert task_queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 3
    assert body["queues"]["tasks"] == {"queue": settings.CELERY_TASK_DEFAULT_QUEUE, "length": 3}
    outbox = body["queues"]["notifications"]
    assert (outbox["waiting"], outbox["failed"]) == (4, 2)
    assert 20 * 60 <= outbox["oldest_waiting_seconds"] < 21 * 60
    assert "errors" not in body["queues"]


def test_healthz_shows_an_empty_queue_as_zero(client, task_queue, worker_answers):
    body = client.get("/healthz").json()

    assert body["queues"]["tasks"]["length"] == 0
    assert body["queues"]["notifications"] == {
        "waiting": 0,
        "failed": 0,
        "oldest_waiting_seconds": 0,
    }


def test_healthz_leaves_the_task_queue_out_when_the_broker_is_down(client, settings):
    closed = "redis://127.0.0.1:6390/0"  # nothing listens here
    settings.CELERY_BROKER_URL = closed
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    notifications("failed", 1)

    response = client.get("/healthz")

    queues = response.json()["queues"]
    assert response.status_code == 503
    assert queues["tasks"]["length"] is None
    assert queues["errors"] == ["broker unreachable"]
    assert queues["notifications"]["failed"] == 1


def test_healthz_has_no_queues_when_tasks_run_in_process(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    body = client.get("/healthz").json()

    assert "queues" not in body
