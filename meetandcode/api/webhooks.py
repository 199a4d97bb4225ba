"""Webhooks: endpoints registered, turned off, tested; deliveries written in the transaction of
the change they tell of, and sent again on request. The sending is webhook_outbox's.

Who: programme staff register endpoints for every country or some; a partner's manager for
some of the countries they manage. A person manages the endpoints whose countries they all
manage (programme staff: every endpoint), so a colleague can turn off a leaver's endpoint.
What an endpoint hears never goes beyond what its owner may see at the moment of the change.
"""

import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetandcode.kernel import webhook_http
from meetandcode.kernel.exceptions import DomainError
from organisations import audit
from organisations.audit import Action
from organisations.models import AuditEntry
from organisations.permissions import require, role_in, rule, scope_of
from programmes.models import CountryProgramme

from . import tasks, webhook_payloads
from .models import WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (the start of every secret, not one)


class EndpointNotValid(DomainError):
    """Some fields are wrong; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Check the endpoint's fields."))
        self.errors = errors


@rule(
    "webhook.register",
    gettext_lazy("Webhooks are registered by programme staff and partners' managers."),
)
def _registers(user, _obj) -> bool:
    scope = scope_of(user)
    return scope.everywhere or bool(scope.managed_countries)


@rule("webhook.manage", gettext_lazy("This endpoint is for countries you do not manage."))
def _manages(user, endpoint) -> bool:
    scope = scope_of(user)
    if scope.everywhere:
        return True
    countries = set(endpoint.countries) if endpoint is not None else set()
    return bool(countries) and countries <= scope.managed_countries


def countries_for(user) -> list[str]:
    """The countries the person may choose for an endpoint, as ISO codes."""
    scope = scope_of(user)
    if scope.everywhere:
        codes = CountryProgramme.objects.values_list("country", flat=True).distinct()
        return sorted({str(code) for code in codes})
    return sorted(scope.managed_countries)


def endpoints_for(user) -> list[WebhookEndpoint]:
    """The endpoints the person manages (few: filtered here, not in SQL)."""
    if not scope_of(user).any:
        return []
    rows = WebhookEndpoint.objects.select_related("owner")
    return [endpoint for endpoint in rows if _manages(user, endpoint)]


def _checked(user, *, name: str, url: str, kinds: list[str], countries: list[str]) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the endpoint a name, e.g. the site it feeds.")
    try:
        webhook_http.target(url)
    except webhook_http.Refused as error:
        errors["url"] = str(error)
    unknown = set(kinds) - set(WebhookEndpoint.Kind.values)
    if not kinds or unknown:
        errors["kinds"] = _("Choose at least one kind of happening.")
    allowed = set(countries_for(user))
    if set(countries) - allowed:
        errors["countries"] = _("Choose only countries you manage.")
    elif not countries and not scope_of(user).everywhere:
        errors["countries"] = _("Choose at least one of your countries.")
    if errors:
        raise EndpointNotValid(errors)
    return {
        "name": name.strip(),
        "url": url,
        "kinds": sorted(kinds),
        "countries": sorted(countries),
    }


def create_endpoint(user, *, name: str, url: str, kinds: list[str], countries: list[str]):
    """A new endpoint and its secret, which is never shown again."""
    require(user, "webhook.register")
    fields = _checked(user, name=name, url=url, kinds=kinds, countries=countries)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(owner=user, secret=secret, **fields)
        audit.record(endpoint, actor=user, action=Action.WEBHOOK_CREATE, data=fields)
    return endpoint, secret


def _require_on(actor, endpoint: WebhookEndpoint) -> None:
    """The actor manages the endpoint, and it is not turned off."""
    require(actor, "webhook.manage", endpoint)
    if not endpoint.is_active:
        raise DomainError(_("The endpoint is turned off: nothing is sent to it."))


def new_secret(endpoint: WebhookEndpoint, *, actor) -> tuple[WebhookEndpoint, str]:
    """A new secret for the endpoint, shown once; the old one signs nothing from now on
    (deliveries still waiting are signed with the new one when they go)."""
    _require_on(actor, endpoint)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.secret = secret
        locked.save(update_fields=["secret"])
        audit.record(locked, actor=actor, action=Action.WEBHOOK_NEW_SECRET)
    return locked, secret


def disable_endpoint(endpoint: WebhookEndpoint, *, actor) -> WebhookEndpoint:
    """Turn the endpoint off: nothing more is written for it, and what waits is not sent."""
    require(actor, "webhook.manage", endpoint)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if locked.disabled_at is None:
            locked.disabled_at = timezone.now()
            locked.save(update_fields=["disabled_at"])
            audit.record(locked, actor=actor, action=Action.WEBHOOK_DISABLE)
    return locked


def _queue_after_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: tasks.enqueue(ids))


def _send_now(endpoint, *, actor, action: Action, data: dict, **delivery) -> WebhookDelivery:
    """One delivery written, audited on its endpoint and queued after commit."""
    with transaction.atomic():
        made = WebhookDelivery.objects.create(
            endpoint=endpoint, next_attempt_at=timezone.now(), **delivery
        )
        audit.record(endpoint, actor=actor, action=action, data=data)
        _queue_after_commit([made.pk])
    return made


def replay_delivery(delivery: WebhookDelivery, *, actor) -> WebhookDelivery:
    """Send a delivery again, as it was (same body and event id, a new delivery id)."""
    _require_on(actor, delivery.endpoint)
    delivery_id = uuid.uuid4()
    return _send_now(
        delivery.endpoint,
        actor=actor,
        action=Action.WEBHOOK_REPLAY,
        data={"delivery": str(delivery.delivery_id), "replay": str(delivery_id)},
        delivery_id=delivery_id,
        event_id=delivery.event_id,
        kind=delivery.kind,
        body=delivery.body,
        replay_of=delivery,
    )


def ping_endpoint(endpoint: WebhookEndpoint, *, actor) -> WebhookDelivery:
    """A test delivery of kind "ping", to check the address and the signature check."""
    _require_on(actor, endpoint)
    event_id = uuid.uuid4()
    data = {"message": "A test from Meet and Code Grants.", "endpoint": endpoint.name}
    body = webhook_payloads.body(webhook_payloads.PING, event_id, data)
    return _send_now(
        endpoint,
        actor=actor,
        action=Action.WEBHOOK_PING,
        data={},
        event_id=event_id,
        kind=webhook_payloads.PING,
        body=body,
    )


def _hears(endpoint: WebhookEndpoint, kind: str, programme: CountryProgramme) -> bool:
    if kind not in endpoint.kinds:
        return False
    if endpoint.countries and str(programme.country) not in endpoint.countries:
        return False
    return role_in(endpoint.owner, programme) is not None  # the owner may see it now


def fan_out(entry: AuditEntry, target) -> None:
    """The audit's listener (organisations.hooks.recorded): in the change's own transaction,
    a delivery for every endpoint that hears of it. Quick for every other action."""
    if entry.action not in webhook_payloads.KINDS_OF:
        return
    endpoints = list(
        WebhookEndpoint.objects.filter(disabled_at__isnull=True).select_related("owner")
    )
    if not endpoints:
        return
    owners: dict = {}
    for endpoint in endpoints:  # one user per owner: scope_of asks once per person
        endpoint.owner = owners.setdefault(endpoint.owner_id, endpoint.owner)
    wanted = {kind for endpoint in endpoints for kind in endpoint.kinds}
    rows = []
    for happening in webhook_payloads.happenings(entry, target, wanted.__contains__):
        rows += [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=happening.event_id,
                kind=happening.kind,
                body=happening.body,
                next_attempt_at=timezone.now(),
            )
            for endpoint in endpoints
            if _hears(endpoint, happening.kind, happening.programme)
        ]
    created = WebhookDelivery.objects.bulk_create(rows)
    _queue_after_commit([row.pk for row in created])


def deliveries_of(endpoint: WebhookEndpoint, status: str = ""):
    rows = WebhookDelivery.objects.filter(endpoint=endpoint)
    return rows.filter(status=status) if status else rows


def purge_old_deliveries(cutoff) -> dict[str, int]:
    """The retention purge's step (organisations.hooks.purge_steps): the delivery log goes as
    the notifications do, RETENTION_DAYS after it was written."""
    old = WebhookDelivery.objects.filter(created_at__lt=cutoff)
    return {"webhook_deliveries_deleted": old.delete()[0]}
