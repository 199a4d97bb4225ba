"""The notification outbox: who is told what, how a message is rendered, claimed and sent.

Services call ``notify`` (or ``notify_organisation``, ``notify_partner``, ``notify_proposal``)
inside their transaction: the rows are written with the state change and vanish with it on a
rollback. After commit one Celery task per row sends it (organisations/tasks.py); a row whose
task never ran (the broker was down, a worker died) is picked up by the periodic sweep, so a
message can be late but is never lost. A task claims its row with a conditional UPDATE before
sending, so two deliveries of the same task send one e-mail.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.exceptions import DomainError

from . import audit
from .audit import Action
from .delivery import KINDS, MEMBERS, PARTNER, summary
from .models import Notification, active_member_q
from .tasks import enqueue

log = logging.getLogger(__name__)

LATEST_IN_APP = 10


# --- Writing the outbox (inside the caller's transaction) ------------------------------------


def notify(kind: str, *, recipients: Iterable, context: dict, url: str = "") -> list[Notification]:
    """Write one row per recipient (each person once) and send them once the transaction commits.

    ``context`` must be JSON: plain names, numbers and texts, rendered later in each recipient's
    own language.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind: {kind}")
    people = {person.pk: person for person in recipients if person.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=person, kind=kind, context=context, url=url)
        for person in people.values()
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return rows


def notify_organisation(organisation, kind: str, *, context: dict, url: str = ""):
    """Tell the organisation's active members."""
    members = get_user_model().objects.filter(
        active_member_q(prefix="memberships__", organisation=organisation)
    )
    return notify(kind, recipients=members, context=context, url=url)


def notify_partner(country_programme, kind: str, *, context: dict, url: str = ""):
    """Tell the staff of the national partner running the country programme."""
    staff = get_user_model().objects.filter(partner_roles__partner_id=country_programme.partner_id)
    return notify(kind, recipients=staff, context=context, url=url)


def notify_proposal(proposal, kind: str, **extra) -> list[Notification]:
    """Tell those the kind is for (members, the partner's staff) about a proposal."""
    context = {
        "proposal": str(proposal),
        "organisation": proposal.organisation.name,
        "edition": str(proposal.country_programme.edition),
        "country": str(proposal.country_programme.country),  # which edited text it reads
        **{key: str(value) for key, value in extra.items()},
    }
    audience = KINDS[kind].audience
    rows = []
    if MEMBERS in audience:
        url = _url("events:detail", proposal.pk)
        rows += notify_organisation(proposal.organisation, kind, context=context, url=url)
    if PARTNER in audience:
        url = _url("grants:proposal", proposal.pk) or _url("grants:dashboard")
        rows += notify_partner(proposal.country_programme, kind, context=context, url=url)
    return rows


def notify_validation(validation) -> list[Notification]:
    """Tell the organisation's members that the partner validated or refused it."""
    kind = f"organisation_{validation.status}"
    context = {
        "organisation": validation.organisation.name,
        "edition": str(validation.edition),
        "reason": validation.reason,
        "country": str(validation.organisation.country),
    }
    url = _url("organisations:detail", validation.organisation_id)
    return notify_organisation(validation.organisation, kind, context=context, url=url)


def notify_invitation(invitation, *, language: str) -> Notification:
    """Send the invitation's link to its address (which may have no account yet), in
    ``language``; called inside the transaction that makes or refreshes the invitation."""
    path = _url("organisations:invitation", invitation.token)
    context = {
        "organisation": invitation.organisation.name,
        "inviter": str(invitation.invited_by or ""),
        "expires": invitation.expires_at.isoformat(),
        "language": language,
    }
    row = Notification.objects.create(
        email=invitation.email, kind="member_invitation", context=context, url=path
    )
    transaction.on_commit(lambda: enqueue([row.pk]))
    return row


def notify_validation_codes(programme, codes: list[str], *, email: str, actor) -> Notification:
    """Send validation codes a national partner issued to ``email`` (which may have no account
    yet); called inside the transaction that issues them, so a failing mail server cannot undo
    or hide codes that are shown once: the mail waits in the outbox and is retried."""
    context = {
        "codes": list(codes),
        "edition": str(programme.edition),
        "partner": str(programme.partner),
        "language": address_language(email, sender=actor),
    }
    url = _url("organisations:mine")
    row = Notification.objects.create(
        email=email, kind="validation_codes", context=context, url=url
    )
    transaction.on_commit(lambda: enqueue([row.pk]))
    return row


def address_language(email: str, *, sender) -> str:
    """The language of a message to an address: its account's when it has one, else that of
    the person who causes the message (who likely shares it with the recipient)."""
    known = get_user_model().objects.filter(email__iexact=email).values_list("language", flat=True)
    return known.first() or getattr(sender, "language", "") or translation.get_language()


def notify_join_declined(membership, *, reason: str = "") -> list[Notification]:
    """Tell the person who asked to join that an owner declined, with the owner's reason."""
    context = {"organisation": membership.organisation.name, "reason": reason}
    return notify("join_declined", recipients=[membership.user], context=context)


def _url(name: str, *args) -> str:
    try:
        with translation.override(settings.LANGUAGE_CODE):  # each recipient's own at sending
            return reverse(name, args=args)
    except NoReverseMatch:  # a page still to be built: the message goes out without a link
        return ""


def resend_notification(notification: Notification, *, actor) -> Notification:
    """Programme staff send a failed notification again, with a fresh count of attempts."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != Notification.Status.FAILED:
            raise DomainError(_("Only a notification that failed can be sent again."))
        locked.status, locked.attempts, locked.claimed_at = Notification.Status.PENDING, 0, None
        locked.save(update_fields=["status", "attempts", "claimed_at"])
        audit.record(
            locked,
            actor=actor,
            action=Action.NOTIFICATION_RESEND,
            from_state=Notification.Status.FAILED,
            to_state=Notification.Status.PENDING,
            message=locked.last_error,
        )
        transaction.on_commit(lambda: enqueue([locked.pk]))
    return locked


# --- In the app ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inbox:
    latest: list[Notification]
    unread: int


def inbox_of(user, limit: int = LATEST_IN_APP) -> Inbox:
    """The person's latest notifications (each with its one-line ``summary``) and how many are
    unread, in one query: the count is a window over all their rows, taken before the LIMIT."""
    unread = Window(Count("pk", filter=Q(read_at__isnull=True)))
    rows = list(Notification.objects.filter(recipient=user).annotate(unread_total=unread)[:limit])
    for row in rows:
        row.summary = summary(row)
    return Inbox(latest=rows, unread=rows[0].unread_total if rows else 0)


def mark_all_read(user) -> int:
    """The person has seen their notifications. Not audited: it changes nothing for others."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
