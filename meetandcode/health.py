"""Checks of the app's parts for /healthz: database, cache, broker and workers.

Each check returns {"ok": bool, "detail": str} and never raises, and none waits longer than a
couple of seconds, so /healthz answers even when a part hangs.
"""

import time
import uuid

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from meetandcode.celery import app
from organisations.models import Notification

WORKER_PING_TIMEOUT = 1.0


def _timed(check):
    started = time.monotonic()
    try:
        ok, detail = check()
    except Exception as exc:  # a health check reports failures, it must not raise them
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return ok, "answers" if ok else "value written was not read back"


def tasks_in_process() -> bool:
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def check_broker():
    if tasks_in_process():
        return True, "in-process (no Redis configured)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.REDIS_TIMEOUT_SECONDS)
    return True, "answers"


def check_workers():
    if tasks_in_process():
        return True, "in-process (tasks run in the web process)"
    # limit=1: answer as soon as one worker replies instead of waiting out the timeout.
    replies = app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1) or []
    if not replies:
        return False, "no worker answered"
    return True, "answering"


def run_checks() -> dict:
    results = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "broker": _timed(check_broker),
    }
    if results["broker"]["ok"]:
        results["workers"] = _timed(check_workers)
    else:
        results["workers"] = {"ok": False, "detail": "broker unreachable", "ms": 0}
    return results


def task_queue_length() -> int:
    """Tasks waiting in the Celery queue: the length of its list in the broker's Redis."""
    timeout = settings.REDIS_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    try:
        return client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
    finally:
        client.close()


def notification_backlog() -> dict:
    """Outbox rows not sent yet (pending or sending), the age of the oldest, and those that
    failed for good."""
    waiting = Q(status__in=[Notification.Status.PENDING, Notification.Status.SENDING])
    figures = Notification.objects.aggregate(
        waiting=Count("pk", filter=waiting),
        oldest=Min("created_at", filter=waiting),
        failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
    )
    oldest = figures.pop("oldest")
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {**figures, "oldest_waiting_seconds": round(age)}


def _figure(read, *, skip: str = ""):
    """A figure for monitoring, or None (with the reason) when it cannot be read now."""
    if skip:
        return None, skip
    try:
        return read(), ""
    except Exception as exc:  # a figure missing must not turn /healthz into an error
        return None, f"{type(exc).__name__}: {exc}"


def queues(checks: dict) -> dict | None:
    """How much work waits, when tasks go through Redis (None when they run in-process). These
    are figures, not checks: they never make /healthz fail (docs/operations.md: what to alert on).
    """
    if tasks_in_process():
        return None
    tasks, tasks_error = _figure(
        task_queue_length, skip="" if checks["broker"]["ok"] else "broker unreachable"
    )
    outbox, outbox_error = _figure(
        notification_backlog, skip="" if checks["database"]["ok"] else "database unreachable"
    )
    result = {
        "tasks": {"queue": settings.CELERY_TASK_DEFAULT_QUEUE, "length": tasks},
        "notifications": outbox,
    }
    errors = [error for error in (tasks_error, outbox_error) if error]
    return {**result, "errors": errors} if errors else result
