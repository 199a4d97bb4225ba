"""Celery tasks that send webhooks, and ``enqueue``, which hands deliveries to them. Thin: ids
in; meetandcode.api.webhook_outbox does the work.

Safe to run twice: a task claims its delivery with a conditional UPDATE before sending, and a
delivery whose worker died is claimed again by the sweep. Retries are the sweep's too: a failed
attempt sets the delivery's next attempt, and the sweep queues it when that time has come (no
task waits in the broker for hours).
"""

import logging
from collections.abc import Iterable

from celery import shared_task
from kombu.exceptions import OperationalError

from meetandcode.kernel import redis_outage

from . import webhook_outbox

log = logging.getLogger(__name__)


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
    """Hand deliveries to the workers. If the broker does not answer, the sweep sends them.

    Runs after commit: nothing here may fail the request whose change is already saved.
    """
    ids = list(ids)
    if not send_webhook.app.conf.task_always_eager and redis_outage.is_down():
        log.warning("Redis is down: webhook deliveries %s wait for the sweep", ids)
        return
    for pk in ids:
        try:
            send_webhook.apply_async((pk,), retry=False)
        except (OperationalError, OSError) as error:
            redis_outage.mark_down(error)
            log.warning("Broker unreachable: webhook deliveries %s wait for the sweep", ids)
            return
        except Exception:  # noqa: BLE001 (tasks running in-process, without a broker)
            log.exception("Webhook delivery %s could not be sent in-process", pk)
