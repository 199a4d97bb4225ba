"""Reads for the applicant's proposal pages."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grants.models import CountryProgramme, Edition
from organisations.models import Membership, Organisation

from .call_status import CallStatus, call_status
from .models import Proposal


def organisations_of(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


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
        .select_related("organisation", "grant", "report", "country_programme")
        .annotate(has_award_letter=Exists(_current_letters()))
        .order_by("-updated_at", "-id")[:limit]
    )
    now = timezone.now()
    for proposal in proposals:
        proposal.next_step, proposal.next_step_on_edit = NEXT_STEPS.get(
            proposal.status, ("", False)
        )
        proposal.next_step_url = ""
        if proposal.status == Proposal.Status.APPROVED:
            _report_step(proposal, now)
    return proposals


def _current_letters():
    from grants.models import AwardLetter

    return AwardLetter.objects.filter(grant__proposal=OuterRef("pk"), superseded=False)


def _report_step(proposal: Proposal, now) -> None:
    """Once the event has started, the next thing to do is its report, until it is sent."""
    from .reports import EDITABLE, report_window

    window = report_window(proposal)
    report = getattr(proposal, "report", None)  # select_related: None when there is none
    if not window.is_open(now) or (report is not None and report.status not in EDITABLE):
        return
    due = window.due_at
    if report is not None and report.status == report.Status.CHANGES_REQUESTED:
        proposal.next_step = _("Change your report as the partner asked")
    elif due is None:
        proposal.next_step = _("Write your report")
    elif now > due:
        proposal.next_step = _("Report overdue since %(date)s") % {
            "date": date_format(timezone.localtime(due), "DATE_FORMAT")
        }
    else:
        proposal.next_step = _("Report due on %(date)s") % {
            "date": date_format(timezone.localtime(due), "DATE_FORMAT")
        }
    proposal.next_step_url = reverse("events:report", args=[proposal.pk])
