"""Celery tasks that deliver notifications. Thin: ids in; organisations.notifications does the work.

Safe to run twice: a task claims its row with a conditional UPDATE before sending (see
``notifications.claim``), and ``acks_late`` hands the message to another worker if this one dies.
"""

import logging

from celery import shared_task

from . import notifications

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=notifications.MAX_RETRIES)
def send_notification(self, notification_id: int) -> str:
    """Send one notification by e-mail; retry transient failures with backoff, then "failed"."""
    notification = notifications.claim(notification_id)
    if notification is None:
        return "skipped"  # sent already, given up, or another worker is sending it
    try:
        notifications.send(notification)
    except Exception as error:  # noqa: BLE001 (every failure is recorded on the row)
        # The row's own count decides, not Celery's: a task the sweep queued again starts at 0.
        if notifications.is_transient(error) and notification.attempts <= self.max_retries:
            notifications.mark_for_retry(notification, error)
            countdown = notifications.retry_countdown(notification.attempts)
            raise self.retry(exc=error, countdown=countdown) from error
        log.warning("Notification %s failed: %r", notification_id, error)
        notifications.mark_failed(notification, error)
        return "failed"
    notifications.mark_sent(notification)
    return "sent"


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    """Every minute (beat): queue again what was never queued, lost its retry or its worker."""
    ids = list(
        notifications.due_for_sending().values_list("pk", flat=True)[: notifications.SWEEP_BATCH]
    )
    notifications.enqueue(ids)
    return len(ids)


@shared_task(acks_late=True)
def purge_old_data() -> dict:
    """Every night (beat): the retention rules of organisations/privacy.py. Safe to run twice."""
    from .privacy import purge_old_data as purge

    return purge()
