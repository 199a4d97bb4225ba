"""Proposals in the personal-data export and the retention purge (organisations.privacy calls
these through its hooks, added in events.apps)."""

from datetime import datetime

from django.db.models import Q

from organisations.models import AuditEntry
from organisations.privacy import exported_fields

from .models import Proposal


def export_proposals(user, organisation_ids: list[int]) -> dict:
    """The proposals of the person's organisations that they created or changed."""
    edited = AuditEntry.objects.filter(
        actor=user, content_type__app_label="events", content_type__model="proposal"
    ).values("object_id")
    proposals = Proposal.objects.filter(organisation_id__in=organisation_ids).filter(
        Q(created_by=user) | Q(pk__in=edited)
    )
    return {"proposals": [exported_fields(p) for p in proposals.order_by("pk")]}


def purge_old_proposals(cutoff: datetime) -> dict[str, int]:
    """Editions whose events ended before ``cutoff``: drafts go, withdrawn and rejected
    proposals lose their free text."""
    old = Proposal.objects.filter(country_programme__edition__event_end__lt=cutoff.date())
    drafts = old.filter(status=Proposal.Status.DRAFT).delete()[1].get("events.Proposal", 0)
    cleared = (
        old.filter(status__in=[Proposal.Status.WITHDRAWN, Proposal.Status.REJECTED])
        .exclude(description="", venue_name="", address="")
        .update(description="", venue_name="", address="")
    )
    return {"drafts_deleted": drafts, "proposals_cleared": cleared}
