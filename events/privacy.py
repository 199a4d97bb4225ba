"""Proposals in the personal-data export and the retention purge (organisations.privacy calls
these through its hooks, added in events.apps)."""

from datetime import datetime

from django.db.models import Q

from organisations.models import AuditEntry
from organisations.privacy import exported_fields

from . import questions
from .models import Answer, Proposal


def export_proposals(user, organisation_ids: list[int]) -> dict:
    """The proposals of the person's organisations that they created or changed."""
    edited = AuditEntry.objects.filter(
        actor=user, content_type__app_label="events", content_type__model="proposal"
    ).values("object_id")
    proposals = Proposal.objects.filter(organisation_id__in=organisation_ids).filter(
        Q(created_by=user) | Q(pk__in=edited)
    )
    proposals = list(proposals.order_by("pk"))
    answers: dict[int, list[dict]] = {}
    chosen = Answer.objects.filter(proposal__in=proposals).select_related("question")
    for answer in chosen.prefetch_related("question__choices").order_by("question__position"):
        answers.setdefault(answer.proposal_id, []).append(
            {
                "question": answer.question.text,
                "answer": questions.display(answer.question, answer.value),
                "file_name": answer.file_name,
            }
        )
    return {
        "proposals": [{**exported_fields(p), "answers": answers.get(p.pk, [])} for p in proposals]
    }


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
