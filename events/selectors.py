"""Reads for the applicant's proposal pages."""

from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organisations.models import Organisation
from programmes.models import CountryProgramme, Edition

from .call_status import CallStatus, call_status
from .models import Proposal


def organisations_of(user):
    return Organisation.objects.of_member(user).order_by("name")


def programme_for(organisation: Organisation) -> CountryProgramme | None:
    """The organisation's country in the current edition (decided by today's date)."""
    edition = Edition.objects.current()
    if edition is None:
        return None
    return (
        CountryProgramme.objects.select_related("edition")
        .filter(country=organisation.country, edition=edition)
        .first()
    )


EARLIER_LIMIT = 50


def earlier_proposals(organisations) -> list[Proposal]:
    """The organisations' proposals of any edition and state, newest first, to start a copy
    from: one query."""
    return list(
        Proposal.objects.filter(organisation__in=organisations)
        .select_related("organisation", "country_programme__edition")
        .order_by("-created_at", "-pk")[:EARLIER_LIMIT]
    )


def get_copy_source(organisations, pk) -> Proposal:
    """A proposal of one of the organisations (the person's own); else 404."""
    return get_object_or_404(
        Proposal.objects.filter(organisation__in=organisations).select_related(
            "organisation", "country_programme__edition"
        ),
        pk=pk,
    )


def call_states(organisations, now=None) -> tuple[Edition | None, dict[int, CallStatus | None]]:
    """The current edition, and for each organisation id where its call stands in the
    organisation's country (``call_status``; None where the edition does not run there)."""
    now = now or timezone.now()
    edition = Edition.objects.current(now)
    codes = {organisation.country.code for organisation in organisations}
    by_country = {}
    if edition is not None:
        rows = CountryProgramme.objects.filter(edition=edition, country__in=list(codes))
        by_country = {
            programme.country.code: call_status(programme, now=now)
            for programme in rows.select_related("edition")
        }
    return edition, {o.pk: by_country.get(o.country.code) for o in organisations}


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
