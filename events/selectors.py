"""Reads for the applicant's proposal pages."""

from django.db.models.functions import TruncDate
from django.utils import timezone

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
