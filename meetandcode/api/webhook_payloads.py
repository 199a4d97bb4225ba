"""What a webhook says: which audited actions are which happenings, and the body of each.

A body is built in the transaction of the change, from the rows as the change left them, and
stored with the delivery: every attempt and every replay sends the same bytes.

    {"id": "<uuid>", "kind": "event.published", "occurred_at": "<ISO 8601>", "data": {...}}

- ``event.*``: ``data.event``, the event as ``GET /api/v1/events/{id}/`` gives it;
- ``proposal.decided``: ``data.proposal``, ``data.decision`` (approved, rejected, cancelled)
  and ``data.grant`` (null when rejected);
- ``report.submitted``: ``data.proposal`` and ``data.report``;
- ``payment.recorded``: ``data.proposal`` and ``data.grant``;
- ``ping``: a test sent from the endpoint's page.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from events import feeds
from events.models import Event, Proposal
from organisations.audit import Action
from organisations.models import AuditEntry
from programmes.models import CountryProgramme

from . import schemas
from .facts import grant_facts, proposal_facts
from .models import WebhookEndpoint
from .public import event_fields

K = WebhookEndpoint.Kind
PING = "ping"

# audited action -> the happenings it is
KINDS_OF: dict[str, tuple[str, ...]] = {
    Action.PROPOSAL_APPROVE: (K.PROPOSAL_DECIDED, K.EVENT_PUBLISHED),
    Action.PROPOSAL_REJECT: (K.PROPOSAL_DECIDED,),
    Action.PROPOSAL_CANCEL: (K.PROPOSAL_DECIDED, K.EVENT_CANCELLED),
    Action.EVENT_EDIT: (K.EVENT_CHANGED,),
    Action.REPORT_ACCEPT: (K.EVENT_CHANGED,),  # the event is held now
    Action.REPORT_SUBMIT: (K.REPORT_SUBMITTED,),
    Action.GRANT_PAID: (K.PAYMENT_RECORDED,),
}


@dataclass(frozen=True)
class Happening:
    kind: str
    programme: CountryProgramme  # whose country it belongs to: who may hear of it
    body: str  # the JSON sent
    event_id: uuid.UUID


def proposal_of(target) -> Proposal:
    """The proposal an audited object belongs to (a proposal, its event, report or grant)."""
    if isinstance(target, Proposal):
        return target
    return Proposal.objects.select_related("organisation", "country_programme__edition").get(
        pk=target.proposal_id
    )


def _grant(proposal: Proposal) -> dict | None:
    grant = getattr(proposal, "grant", None)
    return None if grant is None else grant_facts(grant)


def _event(proposal: Proposal) -> dict | None:
    event = Event.objects.filter(proposal_id=proposal.pk).first()
    if event is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        fields = event_fields(event, feeds.event_url_maker_parts(), feeds.format_labels())
    return schemas.PublicEvent(**fields).model_dump(mode="json")


def _data(kind: str, entry: AuditEntry, proposal: Proposal) -> dict | None:
    """The body's ``data`` for one happening; None when there is nothing to tell."""
    if kind.startswith("event."):
        event = _event(proposal)
        if event is None or (kind == K.EVENT_CHANGED and event["status"] == "cancelled"):
            return None
        return {"event": event}
    data = {"proposal": proposal_facts(proposal)}
    if kind == K.PROPOSAL_DECIDED:
        return {**data, "decision": entry.to_state, "grant": _grant(proposal)}
    if kind == K.PAYMENT_RECORDED:
        return {**data, "grant": _grant(proposal)}
    report = proposal.report
    return {**data, "report": {"id": report.pk, "status": report.status, "at": report.submitted_at}}


def body(kind: str, event_id: uuid.UUID, data: dict, occurred_at=None) -> str:
    document = {
        "id": str(event_id),
        "kind": kind,
        "occurred_at": occurred_at or timezone.now(),
        "data": data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def happenings(entry: AuditEntry, target, wanted: Callable[[str], bool]) -> list[Happening]:
    """The happenings an audit entry is, of the kinds someone ``wanted``, with their bodies."""
    kinds = [kind for kind in KINDS_OF.get(entry.action, ()) if wanted(kind)]
    if not kinds:
        return []
    proposal = proposal_of(target)
    found = []
    for kind in kinds:
        data = _data(kind, entry, proposal)
        if data is not None:
            event_id = uuid.uuid4()
            text = body(kind, event_id, data, entry.created_at)
            found.append(Happening(kind, proposal.country_programme, text, event_id))
    return found
