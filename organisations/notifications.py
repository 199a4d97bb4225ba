"""The notification outbox: who is told what, how a message is rendered, claimed and sent.

Services call ``notify`` (or ``notify_organisation``, ``notify_partner``, ``notify_proposal``)
inside their transaction: the rows are written with the state change and vanish with it on a
rollback. After commit one Celery task per row sends it (organisations/tasks.py); a row whose
task never ran (the broker was down, a worker died) is picked up by the periodic sweep, so a
message can be late but is never lost. A task claims its row with a conditional UPDATE before
sending, so two deliveries of the same task send one e-mail.
"""

import logging
import re
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from meetandcode import redis_outage
from meetandcode.exceptions import DomainError
from meetandcode.formatting import format_money
from meetandcode.languages import url_in_language

from . import audit
from .models import Membership, Notification

log = logging.getLogger(__name__)

MAX_RETRIES = 5  # after the first attempt: six attempts in all, then "failed"
SWEEP_BATCH = 500
LATEST_IN_APP = 10

MEMBERS, PARTNER = "members", "partner"


def stuck_after() -> timedelta:
    """A row "sending" this long was lost by its worker (NOTIFICATION_CLAIM_TIMEOUT)."""
    return timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)


def enqueue_grace() -> timedelta:
    """A fresh row's own task is on its way this long: the sweep leaves it be."""
    return timedelta(seconds=settings.NOTIFICATION_ENQUEUE_GRACE)


def __getattr__(name: str):
    if name == "STUCK_AFTER":  # the former constant, now a setting read on each use
        return stuck_after()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Kind:
    """One kind of message: its subject and in-app line (``%(name)s`` from the row's context),
    who hears of it, and its templates ``emails/<kind>.txt`` and ``emails/<kind>.html``.

    ``template`` names other templates (``<template>.txt``, ``.html``, and ``_subject.txt`` when
    ``subject`` is empty); ``shape`` turns a row into what those templates read.
    """

    subject: str
    summary: str
    audience: frozenset[str] = frozenset({MEMBERS})
    template: str = ""
    shape: Callable[[Notification], dict] | None = None


def _organisation_mail(notification: Notification) -> dict:
    """The templates of emails/organisations/ read ``organisation.name``, ``user`` (the
    recipient), ``inviter`` and ``invitation.expires_at`` (a date, formatted by the template)."""
    context = notification.context
    expires = context.get("expires")
    return {
        "organisation": {"name": context.get("organisation", "")},
        "inviter": context.get("inviter", ""),
        "invitation": {"expires_at": datetime.fromisoformat(expires) if expires else None},
        "user": notification.recipient,
    }


KINDS: dict[str, Kind] = {
    "organisation_validated": Kind(
        _("%(organisation)s is validated for %(edition)s"),
        _("%(organisation)s is validated for %(edition)s: you can submit proposals."),
    ),
    "organisation_refused": Kind(
        _("%(organisation)s was not validated for %(edition)s"),
        _("%(organisation)s was not validated for %(edition)s. Read why and what to do."),
    ),
    "proposal_submitted": Kind(
        _("Proposal submitted: %(proposal)s"),
        _("%(organisation)s submitted “%(proposal)s”."),
        frozenset({MEMBERS, PARTNER}),
    ),
    "proposal_changes_requested": Kind(
        _("Changes requested: %(proposal)s"),
        _("The national partner asks for changes to “%(proposal)s”."),
    ),
    "proposal_approved": Kind(
        _("Grant approved: %(proposal)s (%(reference)s)"),
        _("“%(proposal)s” is approved: grant %(reference)s of %(money)s."),
    ),
    "proposal_rejected": Kind(
        _("Proposal not funded: %(proposal)s"),
        _("“%(proposal)s” was not approved."),
    ),
    "proposal_withdrawn": Kind(
        _("Proposal withdrawn: %(proposal)s"),
        _("“%(proposal)s” was withdrawn by %(organisation)s."),
        frozenset({MEMBERS, PARTNER}),
    ),
    "grant_cancelled": Kind(
        _("Grant cancelled: %(proposal)s (%(reference)s)"),
        _("The grant %(reference)s for “%(proposal)s” is cancelled."),
        frozenset({MEMBERS, PARTNER}),
    ),
    "report_due": Kind(
        _("Your report is due: %(proposal)s"),
        _("Tell us how “%(proposal)s” went: the report is due."),
    ),
    "report_overdue": Kind(
        _("Your report is overdue: %(proposal)s"),
        _("The report on “%(proposal)s” is overdue."),
    ),
    "report_accepted": Kind(
        _("Report accepted: %(proposal)s"),
        _("The report on “%(proposal)s” is accepted. Thank you!"),
    ),
    "report_changes_requested": Kind(
        _("Changes requested to your report: %(proposal)s"),
        _("The national partner asks for changes to the report on “%(proposal)s”."),
    ),
    "report_submitted": Kind(
        _("Report submitted: %(proposal)s"),
        _("%(organisation)s sent the report on “%(proposal)s”: it waits for your review."),
        frozenset({PARTNER}),
    ),
    "payment_made": Kind(
        _("Payment made: %(reference)s"),
        _("%(money)s were paid for grant %(reference)s."),
    ),
    "draft_deadline": Kind(
        _("Applications close soon: %(proposal)s"),
        _("“%(proposal)s” is not submitted yet; applications close on %(deadline)s."),
    ),
    "review_digest": Kind(
        _("Proposals waiting for your review: %(count)s"),
        _("Proposals of your countries waiting for your review: %(count)s."),
        frozenset({PARTNER}),
    ),
    "member_invitation": Kind(
        "",
        _("You are invited to act for %(organisation)s."),
        template="emails/organisations/invitation",
        shape=_organisation_mail,
    ),
    "join_declined": Kind(
        "",
        _("Your request to join %(organisation)s was declined."),
        template="emails/organisations/join_declined",
        shape=_organisation_mail,
    ),
    "validation_codes": Kind(
        _("Validation codes for %(edition)s"),
        _("%(partner)s sent validation codes for %(edition)s."),
    ),
}


class _Blank(dict):
    """Formats a message whose context lacks a name with a blank instead of failing."""

    def __missing__(self, key):
        return ""


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
        memberships__organisation=organisation, memberships__status=Membership.Status.ACTIVE
    )
    return notify(kind, recipients=members, context=context, url=url)


def notify_partner(country_programme, kind: str, *, context: dict, url: str = ""):
    """Tell the staff of the national partner running the country programme."""
    staff = get_user_model().objects.filter(partner_roles__partner_id=country_programme.partner_id)
    return notify(kind, recipients=staff, context=context, url=url)


def notify_proposal(proposal, kind: str, **extra) -> list[Notification]:
    """Tell those the kind is for (members, the partner's staff) about a proposal."""
    from grants.models import Grant  # grants imports organisations: import late

    context = {
        "proposal": str(proposal),
        "organisation": proposal.organisation.name,
        "edition": str(proposal.country_programme.edition),
        **{key: str(value) for key, value in extra.items()},
    }
    if kind in {"proposal_approved", "grant_cancelled", "payment_made"}:
        grant = Grant.objects.filter(proposal=proposal).first()
        if grant is not None:
            context.setdefault("reference", grant.reference)
            context.setdefault("amount", str(grant.amount))
            context.setdefault("currency", grant.currency)
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


def enqueue(ids: Iterable[int]) -> None:
    """Hand rows to the workers. If the broker does not answer, the sweep sends them later.

    Runs after commit: nothing here may fail the request whose change is already saved.
    """
    from .tasks import send_notification

    if not send_notification.app.conf.task_always_eager and redis_outage.is_down():
        log.warning("Redis is down: notifications %s wait for the sweep", list(ids))
        return
    for pk in ids:
        try:
            send_notification.apply_async((pk,), retry=False)
        except (OperationalError, OSError) as error:
            # The broker is down: each further try would wait for its timeout. The rows stay
            # pending and the periodic sweep queues them once the broker is back.
            redis_outage.mark_down(error)
            log.warning("Broker unreachable: notifications %s wait for the sweep", list(ids))
            return
        except Exception:  # noqa: BLE001 (tasks running in-process, without a broker)
            log.exception("Notification %s could not be sent in-process", pk)


# --- Rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def summary(notification: Notification) -> str:
    """The one line the app shows, in the language of the page."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return notification.kind
    return str(kind.summary) % _Blank(_readable(notification.context))


def _readable(context: dict) -> dict:
    """The context written for the active language: its dates and times ("30 September 2024",
    "30. September 2024"), and its amount ("EUR 500.00", "500,00 EUR") as ``money``."""
    context = _with_dates(context)
    if "amount" not in context:
        return context
    return {**context, "money": format_money(context["amount"], context.get("currency", ""))}


# Keys of a context (and of its lists' items, as in the review digest) holding a date or a date
# and time as ISO text: JSON has no dates, and each recipient reads them in their own language.
MOMENTS = frozenset({"deadline", "due", "submitted"})


def _with_dates(value):
    if isinstance(value, dict):
        return {
            key: _moment(item) if key in MOMENTS else _with_dates(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_with_dates(item) for item in value]
    return value


def _moment(text):
    """ISO text as the active language writes it: a date in DATE_FORMAT, a date and time in
    DATETIME_FORMAT in the site's time zone, with its name ("30 September 2024, 23:59 CEST").
    Other text (a row stored before dates were ISO) stays as it is."""
    if not isinstance(text, str):
        return text
    try:
        if len(text) == len("2024-09-30"):
            return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
        moment = timezone.localtime(datetime.fromisoformat(text))
    except ValueError:  # not ISO, or without its time zone
        return text
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} {dateformat.format(moment, 'T')}"


def render(notification: Notification) -> Message:
    """The e-mail in the recipient's language, from templates/emails/<kind>.txt and .html."""
    kind = KINDS[notification.kind]
    recipient = notification.recipient
    language = _language_of(notification)
    template = kind.template or f"emails/{notification.kind}"
    with translation.override(language):
        context = {
            **_readable(notification.context),  # its amount as ``money``, "500,00 EUR"
            "recipient": recipient,
            "programme": settings.PROGRAMME_NAME,
            "site_url": settings.SITE_URL,
            "link": _link(notification.url, language),
            **(kind.shape(notification) if kind.shape else {}),
        }
        if kind.subject:
            subject = str(kind.subject) % _Blank(_readable(notification.context))
        else:
            subject = render_to_string(f"{template}_subject.txt", context)
        return Message(
            subject=f"[{settings.PROGRAMME_NAME}] {' '.join(subject.split())}",
            text=_tidy(render_to_string(f"{template}.txt", context)),
            html=render_to_string(f"{template}.html", context),
        )


def _language_of(notification: Notification) -> str:
    """The recipient's language; for an address without an account, the one chosen on writing."""
    recipient = notification.recipient
    chosen = recipient.language if recipient else notification.context.get("language")
    return chosen or settings.LANGUAGE_CODE


def _link(url: str, language: str) -> str:
    """The page the message is about, in the recipient's language (the address was stored in
    the language of whoever caused the message)."""
    return settings.SITE_URL.rstrip("/") + url_in_language(url, language) if url else ""


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: at most one between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()


# --- Delivery (called by organisations.tasks) ------------------------------------------------


def claim(notification_id: int) -> Notification | None:
    """Take the row for one send attempt, or None if it is sent, failed or another worker's.

    A conditional UPDATE, so of two deliveries of the same task only one goes on. A row left
    "sending" for longer than ``stuck_after()`` was lost by a crashed worker and may be taken again.
    """
    now = timezone.now()
    claimable = Q(status=Notification.Status.PENDING) | Q(
        status=Notification.Status.SENDING, claimed_at__lt=now - stuck_after()
    )
    taken = Notification.objects.filter(claimable, pk=notification_id).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def send(notification: Notification) -> None:
    """Render and send the e-mail (plain text with an HTML alternative). Raises on failure."""
    message = render(notification)
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
    )
    mail.attach_alternative(message.html, "text/html")
    for filename, content, mimetype in attachments(notification):
        mail.attach(filename, content, mimetype)
    mail.send()


def attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    """Files the e-mail carries: the approval e-mail carries the grant's award letter (built
    here if its own task has not run yet: building is idempotent and locks the grant)."""
    if notification.kind != "proposal_approved":
        return []
    from grants.letters import award_letter_attachment  # grants imports organisations

    letter = award_letter_attachment(notification.context.get("reference", ""))
    return [letter] if letter else []


def is_transient(error: BaseException) -> bool:
    """Worth trying again later: the mail server or the network, not a refusal.

    SMTP says which is which: a 4xx reply (421 "try again later", 451, 452) is temporary, a 5xx
    reply (550 "no such mailbox", 554 "rejected") is final and retrying it only repeats it.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return not all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    return isinstance(error, smtplib.SMTPException | TimeoutError | ConnectionError)


def mark_sent(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def mark_for_retry(notification: Notification, error: BaseException) -> None:
    """Back to pending (with the error) until the retry, which claims it again."""
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING, last_error=_describe(error)
    )


def mark_failed(notification: Notification, error: BaseException) -> None:
    """Given up: programme staff see it in the admin and can send it again."""
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.FAILED, last_error=_describe(error)
    )


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def retry_countdown(attempts: int) -> int:
    """Seconds before the next attempt: 30, 60, 120, 240, 480 by default
    (NOTIFICATION_RETRY_SECONDS doubled each time), well inside ``stuck_after()``: a retry
    waiting longer would look lost to the sweep."""
    window = int(stuck_after().total_seconds())
    first = settings.NOTIFICATION_RETRY_SECONDS
    return max(1, min(first * 2 ** max(attempts - 1, 0), window - 60))


def due_for_sending(now=None) -> QuerySet[Notification]:
    """Rows whose task was lost: never queued (broker down), a retry lost, a worker crashed."""
    now = now or timezone.now()
    never_tried = Q(
        status=Notification.Status.PENDING,
        claimed_at__isnull=True,
        created_at__lt=now - enqueue_grace(),
    )
    left_behind = Q(
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
        claimed_at__lt=now - stuck_after(),
    )
    return Notification.objects.filter(never_tried | left_behind).order_by("created_at")


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
            action="notification.resend",
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
