"""Celery tasks that send webhooks, and ``enqueue``, which hands deliveries to them. Thin: ids
in; meetandcode.api.webhook_outbox does the work.

Safe to run twice: a task claims its delivery with a conditional UPDATE before sending, and a
delivery whose worker died is claimed again by the sweep. Retries are the sweep's too: a failed
attempt sets the delivery's next attempt, and the sweep queues it when that time has come (no
task waits in the broker for hours).
"""

from collections.abc import Iterable

from celery import shared_task

from meetandcode.kernel import redis_outage

from . import webhook_outbox


@shared_task(acks_late=True)
def send_webhook(delivery_id: int) -> str:
    """Send one delivery once; its outcome and next attempt are written on its row."""
    delivery = webhook_outbox.claim(delivery_id)
    if delivery is None:
        return "skipped"  # not due, delivered, given up, or another worker is sending it
    return webhook_outbox.attempt(delivery).status


@shared_task(acks_late=True)
def send_due_webhooks() -> int:
    """Every few seconds (beat): queue the deliveries whose next attempt has come."""
    batch = webhook_outbox.due_for_sending()[: webhook_outbox.SWEEP_BATCH]
    ids = list(batch.values_list("pk", flat=True))
    enqueue(ids)
    return len(ids)


def enqueue(ids: Iterable[int]) -> None:
    """Hand deliveries to the workers (after commit). If the broker does not answer, the sweep
    sends them."""
    ids = list(ids)
    redis_outage.queue(send_webhook, [(pk,) for pk in ids], f"webhook deliveries {ids}")
