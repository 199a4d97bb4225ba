"""Proposals in the personal-data export and the retention purge (organisations.privacy calls
these through its hooks, added in events.apps)."""

from datetime import datetime

from django.db import transaction
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
    """Editions whose events ended before ``cutoff``: drafts go (with the files answering their
    questions), withdrawn and rejected proposals lose their free text and those files."""
    old = Proposal.objects.filter(country_programme__edition__event_end__lt=cutoff.date())
    gone = old.filter(status__in=[Proposal.Status.DRAFT, *CLEARED])
    files = _remove_answer_files(Answer.objects.filter(proposal__in=gone).exclude(file=""))
    drafts = old.filter(status=Proposal.Status.DRAFT).delete()[1].get("events.Proposal", 0)
    cleared = (
        old.filter(status__in=CLEARED)
        .exclude(description="", venue_name="", address="")
        .update(description="", venue_name="", address="")
    )
    return {"drafts_deleted": drafts, "proposals_cleared": cleared, "answer_files_deleted": files}


CLEARED = (Proposal.Status.WITHDRAWN, Proposal.Status.REJECTED)


def _remove_answer_files(answers) -> int:
    """Delete the answers holding files, and the files once the deletion is committed."""
    names = list(answers.values_list("file", flat=True))
    storage = Answer._meta.get_field("file").storage
    answers.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(names)
