"""Reminders the periodic tasks send (events/tasks.py, on the beat schedule in settings).

Each function takes ``now`` (the task passes ``timezone.now()``; tests pass a fixed moment) and
may run any number of times: what was sent is recorded (a ``Reminder`` row per proposal, the
digest's day in its notification) under a row lock, so a repeated or overlapping run sends
nothing twice. Every message goes through the notification outbox in the same transaction as
its record, so the e-mail leaves only after commit and a rollback takes both back.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events.models import EDITABLE, Event, Proposal, Reminder, Report
from organisations import audit
from organisations.audit import Action
from organisations.models import Notification, PartnerStaff
from organisations.notifications import notify, notify_organisation
from programmes.models import CountryProgramme

from .models import Grant, Review

log = logging.getLogger(__name__)

# Report reminders: "report_due" once the report is due, then "report_overdue" weekly.
REPORT_SERIES_LENGTH = 3
REPORT_INTERVAL = timedelta(days=7)
REPORT_REMINDER_ACTIONS = {
    Reminder.Kind.REPORT_DUE: Action.REMINDER_REPORT_DUE,
    Reminder.Kind.REPORT_OVERDUE: Action.REMINDER_REPORT_OVERDUE,
}
# Never two reminders within this time, even when the first went out late (beat was down).
REPORT_MIN_GAP = timedelta(days=6)
# A report due longer ago than this that never had a reminder (old data, a first deployment)
# gets none: the series would be over by now, and a first "your report is due" weeks late
# confuses more than it helps. The partner follows those up.
REPORT_SERIES_STARTS_WITHIN = timedelta(days=21)
# What counts as handed in: from then on the partner, not a reminder, follows the report up.
REPORT_HANDED_IN = [
    Report.Status.SUBMITTED,
    Report.Status.CHANGES_REQUESTED,
    Report.Status.ACCEPTED,
]


DIGEST_KIND = "review_digest"
DIGEST_OLDEST = 5  # proposals listed by name in a digest; the count covers all of them


def _each(ids, remind: Callable[[int, datetime], bool], now: datetime, what: str) -> int:
    """Run ``remind`` for every id, each in its own transaction; count those that sent.

    One row that fails (a bug, a constraint) is logged and skipped, so it cannot hold back
    everyone else's reminders run after run.
    """
    sent = 0
    for pk in ids:
        try:
            with transaction.atomic():
                sent += bool(remind(pk, now))
        except Exception:  # noqa: BLE001 (logged; the next run tries this row again)
            log.exception("%s for %s failed", what, pk)
    return sent


def _moment(value: datetime) -> str:
    """A date and time as ISO text (a notification's context is JSON); the message writes it in
    each recipient's language (organisations.notifications)."""
    return timezone.localtime(value).isoformat()


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page still to be built
        return ""


def _tell_members(proposal: Proposal, kind: str, page: str, **extra: str) -> None:
    """Notify the organisation's members, linking to the page where they act (the report, the
    proposal's form), or to the proposal itself."""
    context = {
        "proposal": str(proposal),
        "organisation": proposal.organisation.name,
        "edition": str(proposal.country_programme.edition),
        "country": str(proposal.country_programme.country),
        **extra,
    }
    url = _link(page, proposal.pk) or _link("events:detail", proposal.pk)
    notify_organisation(proposal.organisation, kind, context=context, url=url)


# --- Report reminders -------------------------------------------------------------------------


def report_due_at(event: Event, programme: CountryProgramme) -> datetime:
    """When the report on an event is due: its end plus the country's report deadline."""
    return event.ends_at + timedelta(hours=programme.report_deadline_hours)


def send_report_reminders(now: datetime) -> int:
    """Remind organisations of reports not handed in: ``report_due`` on the due date, then
    ``report_overdue`` a week later and a week after that; three reminders per grant at most.

    Only approved proposals with an active grant and an event not cancelled are reminded.
    Returns how many reminders were sent (one per proposal, to each of its members).
    """
    return _each(_report_candidates(now), _remind_report, now, "Report reminder")


def _report_candidates(now: datetime) -> list[int]:
    """Proposals that may need a report reminder now; ``_remind_report`` decides for each."""
    longest = CountryProgramme.objects.aggregate(hours=Max("report_deadline_hours"))["hours"] or 0
    series = Reminder.objects.filter(proposal=OuterRef("pk"))
    started = Exists(series.filter(kind=Reminder.Kind.REPORT_DUE))
    finished = Exists(series.filter(kind=Reminder.Kind.REPORT_OVERDUE, number=REPORT_SERIES_LENGTH))
    recent = Q(event__ends_at__gte=now - REPORT_SERIES_STARTS_WITHIN - timedelta(hours=longest))
    return list(
        Proposal.objects.filter(
            status=Proposal.Status.APPROVED,
            grant__status=Grant.Status.ACTIVE,
            event__ends_at__lte=now,
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .exclude(report__status__in=REPORT_HANDED_IN)
        .exclude(finished)
        .filter(recent | started)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _remind_report(proposal_id: int, now: datetime) -> bool:
    """Send the proposal's next report reminder if it is due. Runs in a transaction."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    event = Event.objects.filter(proposal=proposal).first()
    if not _report_still_expected(proposal, event):
        return False
    programme = proposal.country_programme
    due = report_due_at(event, programme)
    sent = list(
        proposal.reminders.filter(
            kind__in=[Reminder.Kind.REPORT_DUE, Reminder.Kind.REPORT_OVERDUE]
        ).order_by("number")
    )
    number = len(sent) + 1
    last = sent[-1].sent_at if sent else None
    if not _report_reminder_is_due(number, due=due, last=last, now=now):
        return False
    kind = Reminder.Kind.REPORT_DUE if number == 1 else Reminder.Kind.REPORT_OVERDUE
    Reminder.objects.create(kind=kind, proposal=proposal, number=number, sent_at=now)
    _tell_members(proposal, kind, "events:report", due=_moment(due))
    audit.record(
        proposal,
        actor=None,
        action=REPORT_REMINDER_ACTIONS[kind],
        from_state=proposal.status,
        to_state=proposal.status,
        message=f"Report reminder {number} of {REPORT_SERIES_LENGTH}",
        data={"number": number, "due": due.isoformat()},
    )
    return True


def _report_still_expected(proposal: Proposal, event: Event | None) -> bool:
    """Checked again under the lock: the report may have come in since the candidates were read."""
    if proposal.status != Proposal.Status.APPROVED or event is None:
        return False
    if event.status == Event.Status.CANCELLED:
        return False
    if not Grant.objects.filter(proposal=proposal, status=Grant.Status.ACTIVE).exists():
        return False
    return not Report.objects.filter(proposal=proposal, status__in=REPORT_HANDED_IN).exists()


def _report_reminder_is_due(number: int, *, due: datetime, last, now: datetime) -> bool:
    """The n-th reminder goes out n-1 weeks after the due date, never within six days of the
    one before; the first only while the series is young (see REPORT_SERIES_STARTS_WITHIN)."""
    if number > REPORT_SERIES_LENGTH or now < due + (number - 1) * REPORT_INTERVAL:
        return False
    if number == 1:
        return now < due + REPORT_SERIES_STARTS_WITHIN
    return now >= last + REPORT_MIN_GAP


# --- Application deadline reminders -----------------------------------------------------------


def send_draft_deadline_reminders(now: datetime) -> int:
    """Remind organisations of their unsubmitted proposals (drafts, and those with changes
    requested) once, when the country's application deadline is DRAFT_REMINDER_DAYS away or
    less. Returns how many proposals were reminded."""
    return _each(_draft_candidates(now), _remind_draft, now, "Draft deadline reminder")


def _deadline():
    """A country programme's own deadline, else its edition's (``CountryProgramme.deadline``)."""
    return Coalesce(
        "country_programme__application_deadline",
        "country_programme__edition__application_deadline",
    )


def _draft_candidates(now: datetime) -> list[int]:
    window_end = now + timedelta(days=settings.DRAFT_REMINDER_DAYS)
    reminded = Reminder.objects.filter(proposal=OuterRef("pk"), kind=Reminder.Kind.DRAFT_DEADLINE)
    return list(
        Proposal.objects.filter(status__in=EDITABLE)
        .annotate(deadline=_deadline())
        .filter(deadline__gt=now, deadline__lte=window_end)
        .exclude(Exists(reminded))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _remind_draft(proposal_id: int, now: datetime) -> bool:
    """Send the proposal's deadline reminder unless it was sent or submitted meanwhile."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status not in EDITABLE:
        return False
    if proposal.reminders.filter(kind=Reminder.Kind.DRAFT_DEADLINE).exists():
        return False
    deadline = proposal.country_programme.deadline
    Reminder.objects.create(
        kind=Reminder.Kind.DRAFT_DEADLINE, proposal=proposal, number=1, sent_at=now
    )
    _tell_members(proposal, "draft_deadline", "events:edit", deadline=_moment(deadline))
    audit.record(
        proposal,
        actor=None,
        action=Action.REMINDER_DRAFT_DEADLINE,
        from_state=proposal.status,
        to_state=proposal.status,
        data={"deadline": deadline.isoformat()},
    )
    return True


# --- The partners' daily review digest --------------------------------------------------------


def send_partner_digests(now: datetime) -> int:
    """Once a day, tell each partner staff member how many submitted proposals of their
    countries wait for their review (not reviewed by them, no conflict declared), listing the
    oldest few. Nobody hears of an empty queue. Returns how many digests were sent."""
    people = (
        PartnerStaff.objects.filter(user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return _each(list(people), _send_digest, now, "Review digest")


def waiting_for_review(user, roles: list[PartnerStaff]):
    """Submitted proposals of the countries the person's partners cover (as in
    organisations.permissions: the partners' countries, and the programmes they are named partner
    of) that the person has neither reviewed nor declared a conflict on (both leave a Review
    row)."""
    countries = {country.code for role in roles for country in role.partner.countries}
    partners = {role.partner_id for role in roles}
    theirs = Q(country_programme__country__in=countries) | Q(
        country_programme__partner_id__in=partners
    )
    reviewed = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user)
    return Proposal.objects.filter(theirs, status=Proposal.Status.SUBMITTED).exclude(
        Exists(reviewed)
    )


def _send_digest(user_id: int, now: datetime) -> bool:
    """One digest a day (in the programme's time zone): the person's partner roles are locked,
    so two runs at once wait for each other and the second finds the day's digest written."""
    roles = list(
        PartnerStaff.objects.select_for_update(of=("self",))
        .filter(user_id=user_id)
        .select_related("partner", "user")
    )
    if not roles:
        return False
    user, day = roles[0].user, timezone.localdate(now).isoformat()
    if Notification.objects.filter(recipient=user, kind=DIGEST_KIND, context__day=day).exists():
        return False
    waiting = waiting_for_review(user, roles)
    count = waiting.count()
    if not count:
        return False
    oldest = waiting.select_related("organisation", "country_programme").order_by(
        "submitted_at", "pk"
    )[:DIGEST_OLDEST]
    context = {
        "day": day,
        "count": count,
        "more": max(count - DIGEST_OLDEST, 0),
        "proposals": [_digest_line(proposal) for proposal in oldest],
    }
    notify(DIGEST_KIND, recipients=[user], context=context, url=_link("grants:dashboard"))
    return True


def _digest_line(proposal: Proposal) -> dict:
    path = _link("grants:proposal", proposal.pk) or _link("grants:dashboard")
    submitted = proposal.submitted_at
    return {
        "title": str(proposal),
        "organisation": proposal.organisation.name,
        "country": proposal.country_programme.country.code,
        "submitted": timezone.localdate(submitted).isoformat() if submitted else "",
        "link": settings.SITE_URL.rstrip("/") + path if path else "",
    }
