"""The webhook outbox, the worker's side: claim a delivery, send it once, write down what
happened, and when to try again (called by meetandcode.api.tasks).

A delivery is sent when its ``next_attempt_at`` has come. A worker claims it with a conditional
UPDATE (pending and due, or "sending" for longer than a worker could take), so two workers never
send it at once. Any answer other than 2xx, and no answer at all, is a failure: tried again
after the pauses of ``WEBHOOK_RETRY_SECONDS``, then "failed". Redirects are not followed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from meetandcode.kernel import webhook_http
from organisations.permissions import scope_of

from .models import WebhookDelivery

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
ERROR_CHARS = 500
Status = WebhookDelivery.Status


def pauses() -> list[int]:
    """Seconds to wait before each further attempt; their number is the number of retries."""
    return list(settings.WEBHOOK_RETRY_SECONDS)


def stuck_after() -> timedelta:
    """A delivery "sending" this long was lost by its worker: longer than connecting, sending
    and reading can take, each within the time limit."""
    return timedelta(seconds=4 * settings.WEBHOOK_TIMEOUT + 60)


def _claimable(now) -> Q:
    due = Q(status=Status.PENDING, next_attempt_at__lte=now)
    lost = Q(status=Status.SENDING, claimed_at__lt=now - stuck_after())
    return due | lost


def due_for_sending(now=None) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(_claimable(now or timezone.now())).order_by(
        "next_attempt_at", "pk"
    )


def claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for this worker; None if it is not due, or is being sent."""
    now = timezone.now()
    taken = WebhookDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
        status=Status.SENDING, claimed_at=now
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint__owner").get(pk=delivery_id)


def _still_allowed(delivery: WebhookDelivery) -> str:
    """Why the delivery may no longer go out, or ""."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return "The endpoint was turned off."
    if not scope_of(endpoint.owner).any:
        return "The person who registered the endpoint no longer works for the programme."
    return ""


def attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a claimed delivery once and write down the outcome."""
    refusal = _still_allowed(delivery)
    if refusal:
        return _finish(delivery, Status.FAILED, error=refusal, counted=False)
    try:
        code = webhook_http.send(
            delivery.endpoint.url,
            delivery.endpoint.secret,
            delivery.body.encode(),
            event_id=str(delivery.delivery_id),
            timeout=settings.WEBHOOK_TIMEOUT,
        )
    except webhook_http.Refused as error:
        return _failed_attempt(delivery, None, str(error))
    except OSError as error:  # no answer: refused, reset, timed out, TLS
        return _failed_attempt(delivery, None, f"No answer: {error!r}")
    if 200 <= code < 300:
        return _finish(delivery, Status.DELIVERED, code=code)
    # The answer's status says it (the log shows it in the reader's language): no error text.
    return _failed_attempt(delivery, code, "")


def _failed_attempt(delivery: WebhookDelivery, code: int | None, error: str) -> WebhookDelivery:
    waits = pauses()
    retries_done = delivery.attempts  # attempts before this one
    if retries_done < len(waits):
        later = timezone.now() + timedelta(seconds=waits[retries_done])
        return _finish(delivery, Status.PENDING, code=code, error=error, next_at=later)
    log.warning("Webhook delivery %s failed for good: %s", delivery.pk, error)
    return _finish(delivery, Status.FAILED, code=code, error=error)


def _finish(delivery, status, *, code=None, error="", next_at=None, counted=True):
    """Write the outcome, only if this worker still holds the claim."""
    now = timezone.now()
    fields = {
        "status": status,
        "last_error": error[:ERROR_CHARS],
        "next_attempt_at": next_at,
        "claimed_at": None,
    }
    if counted:
        fields |= {"attempts": delivery.attempts + 1, "last_status_code": code}
    if status == Status.DELIVERED:
        fields["delivered_at"] = now
    WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    return delivery
