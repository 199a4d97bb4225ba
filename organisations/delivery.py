"""The notification outbox, the worker's side: the kinds of message, how one is rendered in its
recipient's language, claimed, sent and retried (called by organisations.tasks).

Writing rows and handing them to the workers is organisations.notifications; this module never
queues a task, so the tasks import it and it imports no task.
"""

import logging
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q, QuerySet
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.formatting import format_money
from meetandcode.kernel.languages import url_in_language

from . import hooks, message_texts
from .models import Notification

log = logging.getLogger(__name__)

MAX_RETRIES = 5  # after the first attempt: six attempts in all, then "failed"
SWEEP_BATCH = 500

MEMBERS, PARTNER = "members", "partner"  # who a kind is for


def stuck_after() -> timedelta:
    """A row "sending" this long was lost by its worker (NOTIFICATION_CLAIM_TIMEOUT)."""
    return timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)


def enqueue_grace() -> timedelta:
    """A fresh row's own task is on its way this long: the sweep leaves it be."""
    return timedelta(seconds=settings.NOTIFICATION_ENQUEUE_GRACE)


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


# --- Rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    text_id: int | None = None  # the edited text used (MessageText); None: the template files


def summary(notification: Notification) -> str:
    """The one line the app shows, in the language of the page."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return notification.kind
    return str(kind.summary) % _Blank(_readable(notification.context))


def _readable(context: dict) -> dict:
    """The context written for the active language: its dates and times ("30 September",
    "30. September", with their year), and its amount ("EUR 500.00", "500,00 EUR") as ``money``."""
    context = _with_dates(context)
    if "amount" not in context:
        return context
    return {**context, "money": format_money(context["amount"], context.get("currency", ""))}


# Keys of a context (and of its lists' items, as in the review digest) holding a date or a date
# and time as ISO text: JSON has no dates, and each recipient reads them in their own language.
MOMENTS = frozenset({"deadline", "due", "submitted"})
ISO_DATE_LENGTH = 10


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
    DATETIME_FORMAT in the site's time zone, with its name ("30 September <year>, 23:59 CEST").
    Other text (a row stored before dates were ISO) stays as it is."""
    if not isinstance(text, str):
        return text
    try:
        if len(text) == ISO_DATE_LENGTH:  # YYYY-MM-DD, no time
            return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
        moment = timezone.localtime(datetime.fromisoformat(text))
    except ValueError:  # not ISO, or without its time zone
        return text
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} {dateformat.format(moment, 'T')}"


def render(notification: Notification) -> Message:
    """The e-mail in the recipient's language: the text staff edited for its language and
    country (organisations.message_texts), else templates/emails/<kind>.txt and .html."""
    language = _language_of(notification)
    country = notification.context.get("country", "")
    edited = message_texts.current(notification.kind, language, country)
    return compose(notification, language, edited)


def compose(notification: Notification, language: str, edited=None) -> Message:
    """The e-mail of ``notification`` in ``language``, from ``edited`` (anything with a
    ``subject`` and a ``body``: a saved MessageText, or a text being previewed) or the
    template files. The notification need not be saved (the editor's preview)."""
    kind = KINDS[notification.kind]
    template = kind.template or f"emails/{notification.kind}"
    with translation.override(language):
        readable = _readable(notification.context)  # its amount as ``money``, "500,00 EUR"
        context = {
            **readable,
            "recipient": notification.recipient,
            "programme": settings.PROGRAMME_NAME,
            "site_url": settings.SITE_URL,
            "link": _link(notification.url, language),
            **(kind.shape(notification) if kind.shape else {}),
        }
        if edited is not None:
            subject = message_texts.render_text(edited.subject, context)
            context["edited_body"] = message_texts.render_text(edited.body, context)
            template = "emails/_edited"
        elif kind.subject:
            subject = str(kind.subject) % _Blank(readable)
        else:
            subject = render_to_string(f"{template}_subject.txt", context)
        return Message(
            subject=f"[{settings.PROGRAMME_NAME}] {' '.join(subject.split())}",
            text=_tidy(render_to_string(f"{template}.txt", context)),
            html=render_to_string(f"{template}.html", context),
            text_id=getattr(edited, "pk", None),
        )


def default_text(kind: str, language: str) -> tuple[str, str]:
    """The default subject and body of ``kind`` in ``language`` (from the template files),
    written as an edited text would be: where editing starts."""
    names = (*message_texts.VARIABLES[kind], *message_texts.COMMON)
    placeholders = {name: "{{ " + name + " }}" for name in names}
    with translation.override(language):
        subject = re.sub(r"%\((\w+)\)s", r"{{ \1 }}", str(KINDS[kind].subject))
        template = get_template(f"emails/{kind}.txt").template
        body = next(
            node for node in template.nodelist.get_nodes_by_type(BlockNode) if node.name == "body"
        )
        context = Context(placeholders, autoescape=False)
        with context.bind_template(template):
            text = "".join(_as_source(node, context) for node in body.nodelist)
    return subject, _tidy(text)


def _as_source(node, context) -> str:
    """A node of a default body rendered with the names as placeholders; an ``{% if name %}``
    around an optional part (a reason, a message) is kept as it is."""
    branches = getattr(node, "conditions_nodelists", None)
    if branches and len(branches) == 1:
        condition, inner = branches[0]
        name = getattr(condition, "text", "")
        if name in context:
            rendered = "".join(_as_source(child, context) for child in inner)
            return "{% if " + name + " %}" + rendered + "{% endif %}"
    return node.render_annotated(context)


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
    notification.message_text_id = message.text_id  # recorded by ``mark_sent``
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
    """Files the e-mail carries, from the apps that add them (``hooks.attachments``: grants
    attaches the award letter to the approval e-mail)."""
    return hooks.attachments.collected(notification)


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
    """Sent, with the version of the text it was written from (``send`` sets it)."""
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        message_text=notification.message_text_id,
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
