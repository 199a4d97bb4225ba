"""Reminders on the beat schedule: reports due and overdue, drafts near the deadline, and the
partners' daily review digest. Each runs at a fixed ``now``, as often as beat might run it."""

import datetime as dt
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Proposal, Reminder, Report
from grants.reminders import (
    send_draft_deadline_reminders,
    send_partner_digests,
    send_report_reminders,
)
from grants.services import approve_proposal, cancel_grant
from organisations.delivery import render
from organisations.models import AuditEntry, Notification
from tests.factories import (
    LUXEMBOURG,
    PAST_YEAR,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

# The factory's workshop ends on 14 September PAST_YEAR at 12:00 in Luxembourg; the report is due
# 48 hours later (the country programme's default).
DUE = dt.datetime(PAST_YEAR, 9, 16, 12, 0, tzinfo=LUXEMBOURG)
WEEK = timedelta(days=7)
# The default edition's applications close on 30 September PAST_YEAR at 23:59 in Luxembourg.
DEADLINE = dt.datetime(PAST_YEAR, 9, 30, 23, 59, tzinfo=LUXEMBOURG)


def sent(kind: str, **filters) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, **filters).order_by("pk"))


# --- Reports ----------------------------------------------------------------------------------


@pytest.fixture
def member():
    return MembershipFactory().user


@pytest.fixture
def funded(member):
    """An approved workshop with its grant and public event, of the member's organisation."""
    proposal = ProposalFactory(organisation=member.memberships.get().organisation)
    staff = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    submit_in_window(proposal, actor=member)
    approve_proposal(proposal, actor=staff)
    proposal.refresh_from_db()
    proposal.staff = staff
    return proposal


def test_nothing_is_sent_before_the_report_is_due(funded):
    assert send_report_reminders(DUE - timedelta(minutes=1)) == 0

    assert not Reminder.objects.exists()
    assert sent("report_due") == []


def test_the_due_reminder_goes_out_once_however_often_beat_runs(funded, member):
    for hour in range(6):
        send_report_reminders(DUE + timedelta(hours=hour))

    [notification] = sent("report_due")
    assert notification.recipient == member
    assert notification.context["proposal"] == funded.title
    [reminder] = Reminder.objects.filter(proposal=funded)
    assert (reminder.kind, reminder.number, reminder.sent_at) == ("report_due", 1, DUE)
    audit = AuditEntry.objects.filter(object_id=funded.pk, action="reminder.report_due")
    assert audit.count() == 1
    assert audit.get().actor is None


def test_the_due_reminder_renders_as_an_email(funded, member):
    send_report_reminders(DUE)

    notification = sent("report_due", recipient=member)[0]
    message = render(notification)
    assert funded.title in message.subject
    assert "please tell us how it went" in message.text
    assert notification.url == reverse("events:report", args=[funded.pk])
    assert notification.url in message.text


def test_overdue_reminders_follow_weekly_and_stop_at_three(funded, member):
    send_report_reminders(DUE)
    for moment in (DUE + timedelta(days=1), DUE + timedelta(days=6, hours=23)):
        assert send_report_reminders(moment) == 0
    assert send_report_reminders(DUE + WEEK) == 1
    assert send_report_reminders(DUE + WEEK + timedelta(hours=1)) == 0
    assert send_report_reminders(DUE + 2 * WEEK) == 1
    for weeks in (3, 4, 10):
        assert send_report_reminders(DUE + weeks * WEEK) == 0

    assert len(sent("report_due")) == 1
    assert len(sent("report_overdue")) == 2
    series = Reminder.objects.filter(proposal=funded).order_by("number")
    assert [(r.kind, r.number) for r in series] == [
        ("report_due", 1),
        ("report_overdue", 2),
        ("report_overdue", 3),
    ]
    assert [r.sent_at for r in series] == [DUE, DUE + WEEK, DUE + 2 * WEEK]


def test_a_late_first_reminder_is_not_followed_by_another_within_days(funded):
    send_report_reminders(DUE + timedelta(days=10))  # beat was down for ten days

    assert send_report_reminders(DUE + timedelta(days=11)) == 0
    assert send_report_reminders(DUE + timedelta(days=16)) == 1


def test_the_database_refuses_a_fourth_report_reminder(funded, db_refuses):
    with db_refuses("reminder_number_in_series"):
        Reminder.objects.create(
            kind="report_overdue", proposal=funded, number=4, sent_at=timezone.now()
        )
    Reminder.objects.create(kind="report_due", proposal=funded, number=1, sent_at=DUE)
    with db_refuses("reminder_sent_once", "events_reminder.kind"):
        Reminder.objects.create(kind="report_due", proposal=funded, number=1, sent_at=DUE)


def test_no_reminder_once_the_report_is_submitted(funded):
    send_report_reminders(DUE)
    ReportFactory(proposal=funded, status=Report.Status.SUBMITTED)

    for weeks in (1, 2, 3):
        assert send_report_reminders(DUE + weeks * WEEK) == 0

    assert sent("report_overdue") == []


def test_a_report_still_in_draft_is_reminded(funded):
    Report.objects.create(proposal=funded)

    assert send_report_reminders(DUE) == 1


def test_no_reminder_for_a_cancelled_grant(funded):
    cancel_grant(funded, actor=funded.staff, reason="The venue closed.")

    for weeks in (0, 1, 2):
        assert send_report_reminders(DUE + weeks * WEEK) == 0

    assert not Reminder.objects.exists()


def test_a_grant_cancelled_after_the_first_reminder_gets_no_more(funded):
    send_report_reminders(DUE)
    cancel_grant(funded, actor=funded.staff, reason="The event did not take place.")

    assert send_report_reminders(DUE + WEEK) == 0
    assert Reminder.objects.count() == 1


def test_no_reminder_when_only_the_public_event_is_cancelled(funded):
    Event.objects.filter(proposal=funded).update(status=Event.Status.CANCELLED)

    assert send_report_reminders(DUE) == 0


def test_the_due_date_follows_the_country_report_deadline(funded):
    programme = funded.country_programme
    programme.report_deadline_hours = 24 * 7
    programme.save()

    assert send_report_reminders(DUE) == 0
    assert send_report_reminders(DUE + timedelta(days=5)) == 1


def test_reports_due_long_before_reminders_began_get_none(funded):
    # E.g. the first deployment, or imported history: no "your report is due" weeks late.
    assert send_report_reminders(DUE + timedelta(days=30)) == 0


def test_the_email_leaves_only_after_commit(funded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        send_report_reminders(DUE)

    assert callbacks, "the outbox queues the e-mail on commit"


# --- Drafts near the application deadline -----------------------------------------------------


@pytest.fixture
def draft(member):
    return ProposalFactory(organisation=member.memberships.get().organisation)


def test_a_draft_is_reminded_once_within_the_window(draft, member):
    moment = DEADLINE - timedelta(days=4)
    for hours in (0, 1, 24, 48):
        send_draft_deadline_reminders(moment + timedelta(hours=hours))

    [notification] = sent("draft_deadline")
    assert notification.recipient == member
    assert notification.context["deadline"] == f"{PAST_YEAR}-09-30T23:59:00+02:00"
    assert Reminder.objects.get(proposal=draft).kind == "draft_deadline"
    assert AuditEntry.objects.filter(object_id=draft.pk, action="reminder.draft_deadline").exists()
    message = render(notification)
    assert f"30 September {PAST_YEAR}, 23:59 CEST" in message.text
    assert draft.title in message.subject
    assert "Finish your proposal" in message.html
    assert notification.url == reverse("events:edit", args=[draft.pk])


def test_no_draft_reminder_before_the_window_or_after_the_deadline(draft, settings):
    settings.DRAFT_REMINDER_DAYS = 5
    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=5, minutes=1)) == 0
    assert send_draft_deadline_reminders(DEADLINE + timedelta(minutes=1)) == 0
    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=5)) == 1


def test_the_window_follows_the_setting(draft, settings):
    settings.DRAFT_REMINDER_DAYS = 2

    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=3)) == 0
    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=1)) == 1


def test_a_country_deadline_of_its_own_counts(draft):
    programme = draft.country_programme
    programme.application_deadline = DEADLINE - timedelta(days=10)
    programme.save()

    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=2)) == 0
    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=12)) == 1


def test_proposals_with_changes_requested_are_reminded_too(draft):
    Proposal.objects.filter(pk=draft.pk).update(status=Proposal.Status.CHANGES_REQUESTED)

    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=1)) == 1


def test_submitted_and_withdrawn_proposals_are_not_reminded(draft, member):
    submit_in_window(draft, actor=member)
    ProposalFactory(status=Proposal.Status.WITHDRAWN)

    assert send_draft_deadline_reminders(DEADLINE - timedelta(days=1)) == 0
    assert sent("draft_deadline") == []


# --- The partners' daily digest ---------------------------------------------------------------

MORNING = dt.datetime(PAST_YEAR, 7, 1, 7, 0, tzinfo=LUXEMBOURG)


@pytest.fixture
def reviewer():
    """A reviewer of the Luxembourg partner."""
    programme = CountryProgrammeFactory()
    return PartnerStaffFactory(partner=programme.partner, role="reviewer").user


def submitted(title: str, days_ago: int, **kwargs) -> Proposal:
    return ProposalFactory(
        title=title,
        status=Proposal.Status.SUBMITTED,
        submitted_at=MORNING - timedelta(days=days_ago),
        **kwargs,
    )


def test_the_digest_counts_and_lists_the_oldest_waiting(reviewer):
    for days in range(1, 8):
        submitted(f"Robotics {days}", days)

    assert send_partner_digests(MORNING) == 1

    [digest] = sent("review_digest", recipient=reviewer)
    assert digest.context["count"] == 7
    titles = [item["title"] for item in digest.context["proposals"]]
    assert titles == ["Robotics 7", "Robotics 6", "Robotics 5", "Robotics 4", "Robotics 3"]
    oldest = Proposal.objects.get(title="Robotics 7")
    assert digest.context["proposals"][0]["link"].endswith(f"/{oldest.pk}/")
    message = render(digest)
    assert "7 proposals of your countries wait for your review" in message.text
    assert "and 2 more" in message.text
    assert f'href="{digest.context["proposals"][0]["link"]}"' in message.html
    assert message.subject.endswith("Proposals waiting for your review: 7")


def test_the_digest_goes_out_once_a_day(reviewer):
    submitted("Scratch", 1)

    for hours in (0, 1, 5):
        send_partner_digests(MORNING + timedelta(hours=hours))
    assert len(sent("review_digest", recipient=reviewer)) == 1

    send_partner_digests(MORNING + timedelta(days=1))
    assert len(sent("review_digest", recipient=reviewer)) == 2


def test_the_digest_covers_only_the_persons_countries(reviewer):
    belgium = CountryProgrammeFactory(country="BE")
    belgian_staff = PartnerStaffFactory(partner=belgium.partner).user
    submitted("Luxembourg workshop", 2)
    submitted("Brussels hackathon", 3, country_programme=belgium)

    send_partner_digests(MORNING)

    [ours] = sent("review_digest", recipient=reviewer)
    assert [item["title"] for item in ours.context["proposals"]] == ["Luxembourg workshop"]
    [theirs] = sent("review_digest", recipient=belgian_staff)
    assert [item["title"] for item in theirs.context["proposals"]] == ["Brussels hackathon"]


def test_reviewed_conflicted_drafts_and_decided_ones_do_not_wait(reviewer):
    ReviewFactory(proposal=submitted("Reviewed", 4), reviewer=reviewer)
    ReviewFactory(proposal=submitted("Conflict", 3), reviewer=reviewer, conflict_of_interest=True)
    ProposalFactory(title="Still a draft")
    ProposalFactory(title="Approved", status=Proposal.Status.APPROVED)
    colleague = PartnerStaffFactory(partner=reviewer.partner_roles.get().partner).user
    ReviewFactory(proposal=submitted("Reviewed by a colleague", 2), reviewer=colleague)

    send_partner_digests(MORNING)

    [digest] = sent("review_digest", recipient=reviewer)
    assert digest.context["count"] == 1
    assert digest.context["proposals"][0]["title"] == "Reviewed by a colleague"
    assert sent("review_digest", recipient=colleague)[0].context["count"] == 2


def test_no_digest_when_nothing_waits(reviewer):
    ReviewFactory(proposal=submitted("Reviewed", 1), reviewer=reviewer)

    assert send_partner_digests(MORNING) == 0
    assert sent("review_digest") == []


# --- The beat schedule ------------------------------------------------------------------------


def test_the_beat_schedule_names_tasks_the_workers_know():
    from meetandcode.celery import app

    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_the_reminders_run_hourly_and_each_morning_in_brussels():
    from meetandcode.celery import app

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    hourly = schedule["grants.tasks.send_report_reminders"]
    drafts = schedule["grants.tasks.send_draft_deadline_reminders"]
    digest = schedule["grants.tasks.send_partner_digests"]

    assert hourly.hour == set(range(24)) and len(hourly.minute) == 1
    assert (drafts.hour, drafts.minute) == ({8}, {0})
    assert (digest.hour, digest.minute) == ({7}, {0})
    assert str(app.timezone) == "Europe/Brussels"


def test_the_task_sends_with_the_current_time(member):
    from meetandcode.celery import app

    app.loader.import_default_modules()
    soon = timezone.now() + timedelta(days=1)
    programme = CountryProgrammeFactory(country="NL", application_deadline=soon)
    ProposalFactory(organisation=member.memberships.get().organisation, country_programme=programme)

    result = app.tasks["grants.tasks.send_draft_deadline_reminders"].apply()

    assert result.get() == 1
    assert len(sent("draft_deadline", recipient=member)) == 1
