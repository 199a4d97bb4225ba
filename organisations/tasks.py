"""Celery tasks that deliver notifications, and ``enqueue``, which hands rows to them. Thin: ids
in; organisations.delivery does the work.

Safe to run twice: a task claims its row with a conditional UPDATE before sending (see
``delivery.claim``), and ``acks_late`` hands the message to another worker if this one dies.
"""

import logging
from collections.abc import Iterable

from celery import shared_task

from meetandcode.kernel import redis_outage

from . import delivery
from .privacy import purge_old_data as purge

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=delivery.MAX_RETRIES)
def send_notification(self, notification_id: int) -> str:
    """Send one notification by e-mail; retry transient failures with backoff, then "failed"."""
    notification = delivery.claim(notification_id)
    if notification is None:
        return "skipped"  # sent already, given up, or another worker is sending it
    try:
        delivery.send(notification)
    except Exception as error:  # noqa: BLE001 (every failure is recorded on the row)
        # The row's own count decides, not Celery's: a task the sweep queued again starts at 0.
        if delivery.is_transient(error) and notification.attempts <= self.max_retries:
            delivery.mark_for_retry(notification, error)
            countdown = delivery.retry_countdown(notification.attempts)
            raise self.retry(exc=error, countdown=countdown) from error
        log.warning("Notification %s failed: %r", notification_id, error)
        delivery.mark_failed(notification, error)
        return "failed"
    delivery.mark_sent(notification)
    return "sent"


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    """Every minute (beat): queue again what was never queued, lost its retry or its worker."""
    ids = list(delivery.due_for_sending().values_list("pk", flat=True)[: delivery.SWEEP_BATCH])
    enqueue(ids)
    return len(ids)


@shared_task(acks_late=True)
def purge_old_data() -> dict:
    """Every night (beat): the retention rules of organisations/privacy.py. Safe to run twice."""
    return purge()


def enqueue(ids: Iterable[int]) -> None:
    """Hand rows to the workers (after commit). If the broker does not answer, the rows stay
    pending and the periodic sweep sends them later."""
    ids = list(ids)
    redis_outage.queue(send_notification, [(pk,) for pk in ids], f"notifications {ids}")
