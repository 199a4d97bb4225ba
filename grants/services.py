"""Decisions of national partners: request changes, approve within the budget, reject, cancel."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, Proposal
from events.services import transition_proposal
from meetandcode.exceptions import AmountNotAllowed, BudgetExceeded

from .models import CountryProgramme, Grant


def request_changes(proposal: Proposal, *, actor, message: str) -> Proposal:
    """Send the proposal back to the applicant with what to change."""
    with transaction.atomic():
        return transition_proposal(proposal, "request_changes", actor=actor, message=message)


def reject_proposal(proposal: Proposal, *, actor, reason: str) -> Proposal:
    with transaction.atomic():
        return transition_proposal(proposal, "reject", actor=actor, message=reason)


def approve_proposal(proposal: Proposal, *, actor, amount: Decimal | None = None) -> Grant:
    """Approve and reserve the amount from the country budget; create the grant and the event.

    The country programme's row is locked for the whole transaction, so two managers approving
    at once are served one after the other; the CHECK on ``reserved <= budget`` backs this up.
    """
    made: dict[str, Grant] = {}

    def reserve(locked: Proposal) -> None:
        grant_amount = locked.requested_amount if amount is None else Decimal(amount)
        programme = CountryProgramme.objects.select_for_update().get(pk=locked.country_programme_id)
        _check_amount(grant_amount, locked, programme)
        CountryProgramme.objects.filter(pk=programme.pk).update(
            reserved=F("reserved") + grant_amount
        )
        made["grant"] = _create_grant(locked, programme, grant_amount, actor)
        publish_event(locked)

    with transaction.atomic():
        transition_proposal(
            proposal, "approve", actor=actor, data={"amount": str(amount)}, before_save=reserve
        )
    return made["grant"]


def _check_amount(amount: Decimal, proposal: Proposal, programme: CountryProgramme) -> None:
    if amount <= 0:
        raise AmountNotAllowed("The grant must be more than zero.")
    if amount > proposal.requested_amount:
        raise AmountNotAllowed(
            f"The grant ({amount}) cannot be more than the requested amount "
            f"({proposal.requested_amount})."
        )
    if amount > programme.max_grant:
        raise AmountNotAllowed(
            f"The grant ({amount}) cannot be more than the country's maximum "
            f"({programme.max_grant} {programme.currency})."
        )
    if amount > programme.remaining:
        raise BudgetExceeded(
            f"Budget exceeded: {programme.remaining} {programme.currency} remain in "
            f"{programme.country.name}, the grant would need {amount}."
        )


def _create_grant(proposal, programme, amount, actor) -> Grant:
    last = Grant.objects.filter(country_programme=programme).aggregate(n=Max("sequence"))["n"]
    sequence = (last or 0) + 1
    return Grant.objects.create(
        proposal=proposal,
        country_programme=programme,
        sequence=sequence,
        reference=grant_reference(programme, sequence),
        amount=amount,
        currency=programme.currency,
        approved_by=actor if actor is not None and actor.pk else None,
        approved_at=timezone.now(),
    )


def grant_reference(programme: CountryProgramme, sequence: int) -> str:
    """E.g. MC24-LU-0042: edition code, country, number within the country programme."""
    return f"{programme.edition.code}-{programme.country.code}-{sequence:04d}"


def public_event_fields(proposal: Proposal, *, organisation, language_codes, focus_codes) -> dict:
    """The public face of a proposal: the only fields an Event (and so the public) ever gets."""
    return {
        "slug": slugify(proposal.title)[:80] or "event",
        "title": proposal.title,
        "description": proposal.description,
        "organisation_name": organisation.name,
        "organisation_website": organisation.website,
        "country": proposal.country_programme.country,
        "city": proposal.city,
        "venue_name": proposal.venue_name,
        "address": proposal.address,
        "latitude": proposal.latitude,
        "longitude": proposal.longitude,
        "location_is_approximate": proposal.location_is_approximate,
        "starts_at": proposal.starts_at,
        "ends_at": proposal.ends_at,
        "format": proposal.format,
        "delivery": proposal.delivery,
        "age_min": proposal.age_min,
        "age_max": proposal.age_max,
        "language_codes": ",".join(sorted(language_codes)),
        "focus_group_codes": ",".join(sorted(focus_codes)),
    }


def publish_event(proposal: Proposal) -> Event:
    """Create or refresh the public event of an approved proposal, with public fields only."""
    fields = public_event_fields(
        proposal,
        organisation=proposal.organisation,
        language_codes=[lang.code for lang in proposal.languages.all()],
        focus_codes=[group.code for group in proposal.focus_groups.all()],
    )
    fields["status"] = Event.Status.SCHEDULED
    event, _ = Event.objects.update_or_create(
        proposal=proposal,
        defaults=fields,
        create_defaults={**fields, "published_at": timezone.now()},
    )
    return event


def cancel_grant(proposal: Proposal, *, actor, reason: str) -> Proposal:
    """Cancel an approved proposal: release its budget and take its event off the map."""

    def release(locked: Proposal) -> None:
        grant = Grant.objects.select_for_update().get(proposal=locked)
        CountryProgramme.objects.select_for_update().filter(pk=grant.country_programme_id).update(
            reserved=F("reserved") - grant.amount
        )
        grant.status = Grant.Status.CANCELLED
        grant.cancelled_at = timezone.now()
        grant.save(update_fields=["status", "cancelled_at"])
        Event.objects.filter(proposal=locked).update(status=Event.Status.CANCELLED)

    with transaction.atomic():
        return transition_proposal(
            proposal, "cancel", actor=actor, message=reason, before_save=release
        )
