"""Reads for the applicant's proposal pages."""

from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import CountryProgramme
from organisations.models import Membership, Organisation

from .models import Proposal


def organisations_of(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


def programme_for(organisation: Organisation) -> CountryProgramme | None:
    """The organisation's country in the latest edition."""
    return (
        CountryProgramme.objects.select_related("edition")
        .filter(country=organisation.country)
        .order_by("-edition__year")
        .first()
    )


def possible_duplicates(proposal: Proposal):
    """Other live proposals of the organisation on the same day in the same town (one query)."""
    if not proposal.starts_at or not proposal.city:
        return Proposal.objects.none()
    return (
        Proposal.objects.annotate(day=TruncDate("starts_at"))
        .filter(
            organisation_id=proposal.organisation_id,
            day=timezone.localdate(proposal.starts_at),
            city__iexact=proposal.city,
        )
        .exclude(pk=proposal.pk)
        .exclude(status__in=[Proposal.Status.WITHDRAWN, Proposal.Status.REJECTED])
        .only("pk", "title", "status")
    )


# status -> (the next thing to do, whether it happens on the edit page)
NEXT_STEPS = {
    Proposal.Status.DRAFT: (_("Complete and submit it"), True),
    Proposal.Status.CHANGES_REQUESTED: (_("Make the changes the partner asked for"), True),
    Proposal.Status.SUBMITTED: (_("Wait for the national partner's decision"), False),
    Proposal.Status.APPROVED: (_("Run your event"), False),
}


def dashboard_proposals(user, limit: int = 50) -> list[Proposal]:
    """The person's organisations' proposals, newest change first, each with its next step.

    One query, whatever the number of organisations and proposals.
    """
    proposals = list(
        Proposal.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__status=Membership.Status.ACTIVE,
        )
        .select_related("organisation", "grant")
        .order_by("-updated_at", "-id")[:limit]
    )
    for proposal in proposals:
        proposal.next_step, proposal.next_step_on_edit = NEXT_STEPS.get(
            proposal.status, ("", False)
        )
    return proposals
