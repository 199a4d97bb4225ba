"""The notification outbox: rows written with the state change, e-mails in the recipient's
language, a claim that makes the task safe to run twice, retries, the sweep, and the in-app list.

Tasks run eagerly here (the Celery app in-process); tests/organisations/test_notification_worker.py
runs a real worker on the real Redis broker.
"""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from events.services import submit_proposal, withdraw_proposal
from grants.services import approve_proposal, request_changes
from meetandcode.celery import app as celery_app
from meetandcode.kernel.exceptions import DomainError
from organisations import audit, delivery, notifications, services
from organisations.models import Membership, Notification, OrganisationValidation, User
from organisations.tasks import send_notification, send_pending_notifications
from tests.factories import (
    PAST_CODE,
    SUBMIT_MOMENT,
    BudgetLineFactory,
    CountryProgrammeFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    submit_in_window,
)

# Tasks run in this process; a task's error stays in it, so a retry runs at once (no countdown)
# as the next attempt of the same eager call.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("eager_tasks"),
    pytest.mark.eager_tasks(propagates=False),
]

DASHBOARD_URL = "/my/"


@pytest.fixture
def programme():
    return CountryProgrammeFactory()


@pytest.fixture
def owner():
    return UserFactory(email="owner@codeclub.example.org", language="de")


@pytest.fixture
def organisation(owner):
    organisation = OrganisationFactory(name="Code Club Esch ASBL")
    MembershipFactory(organisation=organisation, user=owner)
    return organisation


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(
        partner=programme.partner, user=UserFactory(email="manager@partner.example.org")
    ).user


@pytest.fixture
def proposal(organisation, programme, owner):
    return ProposalFactory(
        organisation=organisation, country_programme=programme, created_by=owner, title="Robots"
    )


DIGEST = {"count": 1, "proposals": [{"title": "Robots", "organisation": "Code Club", "link": ""}]}


def _row(recipient, kind="proposal_rejected", **fields) -> Notification:
    context = {"proposal": "Robots", "organisation": "Code Club", "reason": "Too late."}
    if kind == "review_digest":  # a list of the proposals waiting, not one proposal
        context |= DIGEST
    if kind == "validation_codes":  # codes a partner sends, not about a proposal
        context |= {"partner": "Code Club", "edition": "Meet and Code", "codes": ["ABCD-EFGH-JKLM"]}
    return Notification.objects.create(
        recipient=recipient, kind=kind, context=context, url="/my/", **fields
    )


def _recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


# --- Written in the transaction of the state change ------------------------------------------


def test_submitting_tells_the_members_and_the_partner_staff_after_commit(
    proposal, owner, manager, django_capture_on_commit_callbacks
):
    asking = MembershipFactory(organisation=proposal.organisation, status="requested").user
    other_partner = PartnerStaffFactory().user

    with django_capture_on_commit_callbacks() as callbacks:
        submit_in_window(proposal, actor=owner)

    assert _recipients("proposal_submitted") == {owner.email, manager.email}
    assert asking.email not in _recipients("proposal_submitted")
    assert other_partner.email not in _recipients("proposal_submitted")
    assert Notification.objects.filter(status="pending").count() == 2
    assert callbacks  # the sending waits for the commit
    assert mail.outbox == []


def test_the_rows_vanish_with_a_rolled_back_transaction(
    proposal, owner, manager, django_capture_on_commit_callbacks
):
    submit_in_window(proposal, actor=owner)
    Notification.objects.all().delete()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        request_changes(proposal, actor=manager, message="Add the venue's address.")
        assert Notification.objects.count() == 1
        raise RuntimeError("something after the change failed")

    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_after_commit_each_recipient_gets_the_mail_and_the_row_is_sent(
    proposal, owner, manager, django_capture_on_commit_callbacks
):
    submit_in_window(proposal, actor=owner)

    with django_capture_on_commit_callbacks(execute=True):
        grant = approve_proposal(proposal, actor=manager)

    row = Notification.objects.get(kind="proposal_approved")
    assert row.recipient == owner and row.status == "sent" and row.sent_at and row.attempts == 1
    assert row.context["reference"] == grant.reference == f"{PAST_CODE}-LU-0001"
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "Robots" in message.subject and f"{PAST_CODE}-LU-0001" in message.subject
    assert f"{PAST_CODE}-LU-0001" in message.body and "400,00 EUR" in message.body
    assert f"/my/proposals/{proposal.pk}/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and f"{PAST_CODE}-LU-0001" in html


def test_a_validation_decision_tells_the_members_with_the_partners_reason(
    organisation, owner, manager, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_validation(
            organisation,
            programme.edition,
            actor=manager,
            validated=False,
            reason="The statutes <b>are</b> missing.",
        )

    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "Code Club Esch ASBL" in message.subject
    assert "The statutes <b>are</b> missing." in message.body  # plain text: not escaped
    assert "The statutes &lt;b&gt;are&lt;/b&gt; missing." in message.alternatives[0][0]
    assert Notification.objects.get().kind == "organisation_refused"


def test_withdrawing_a_submitted_proposal_tells_the_partner_too(proposal, owner, manager):
    submit_in_window(proposal, actor=owner)

    withdraw_proposal(proposal, actor=owner, reason="The venue closed.")

    assert _recipients("proposal_withdrawn") == {owner.email, manager.email}


def test_a_failed_submit_writes_no_notification(proposal, owner, manager):
    with pytest.raises(DomainError):
        submit_proposal(proposal, actor=owner, now=SUBMIT_MOMENT)  # not validated yet

    assert Notification.objects.count() == 0


# --- Rendering -------------------------------------------------------------------------------


def test_the_mail_is_rendered_in_each_recipients_language(proposal, owner, manager):
    BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
    OrganisationValidation.objects.create(
        organisation=proposal.organisation,
        edition=proposal.country_programme.edition,
        status="validated",
    )
    with translation.override("fr"):
        submit_proposal(proposal, actor=owner, now=SUBMIT_MOMENT)
        german = delivery.render(Notification.objects.get(recipient=owner))
        english = delivery.render(Notification.objects.get(recipient=manager))
        assert translation.get_language() == "fr"  # the page's language is left as it was

    assert '<html lang="de">' in german.html
    assert '<html lang="en">' in english.html
    assert german.subject.startswith("[Meet and Code] ") and "Robots" in german.subject
    assert "Hello Alex," in english.text and "\n\n\n" not in english.text


def test_every_kind_renders_its_subject_text_and_html(owner):
    for kind in delivery.KINDS:
        message = delivery.render(_row(owner, kind=kind))
        assert message.subject.strip() != "[Meet and Code]"
        assert "Robots" in message.text or "Code Club" in message.text, kind
        assert message.html.lstrip().startswith("<!doctype html>"), kind


# --- Delivery: claim, retry, fail ------------------------------------------------------------


class FlakyBackend(LocmemBackend):
    """The outbox, behind an SMTP server that drops the connection the first ``failures`` times."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"owner@codeclub.example.org": (550, b"No such user")})


@pytest.fixture
def flaky_smtp(settings):
    def configure(failures: int):
        FlakyBackend.failures, FlakyBackend.calls = failures, 0
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
        return FlakyBackend

    return configure


def test_running_the_task_twice_sends_one_mail(owner):
    row = _row(owner)

    first = send_notification.apply(args=[row.pk]).get()
    second = send_notification.apply(args=[row.pk]).get()

    assert (first, second) == ("sent", "skipped")
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1


def test_a_row_another_worker_is_sending_is_left_alone(owner):
    row = _row(owner, status="sending", claimed_at=timezone.now() - timedelta(minutes=2))

    assert send_notification.apply(args=[row.pk]).get() == "skipped"
    assert mail.outbox == []


def test_a_transient_smtp_failure_is_retried_and_the_mail_goes_out_once(owner, flaky_smtp):
    backend = flaky_smtp(failures=2)
    row = _row(owner)

    send_notification.apply(args=[row.pk])

    row.refresh_from_db()
    assert backend.calls == 3
    assert row.status == "sent" and row.attempts == 3
    assert len(mail.outbox) == 1


def test_smtp_failing_every_time_is_retried_five_times_then_failed(owner, flaky_smtp):
    backend = flaky_smtp(failures=100)
    row = _row(owner)

    send_notification.apply(args=[row.pk])

    row.refresh_from_db()
    assert backend.calls == 1 + delivery.MAX_RETRIES == 6
    assert row.status == "failed" and row.attempts == 6
    assert "SMTPServerDisconnected" in row.last_error
    assert mail.outbox == []


def test_a_refused_recipient_fails_at_once(owner, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    row = _row(owner)

    assert send_notification.apply(args=[row.pk]).get() == "failed"

    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 1
    assert "SMTPRecipientsRefused" in row.last_error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(451, b"try again later"), True),
        (smtplib.SMTPConnectError(421, b"too busy, try later"), True),
        (smtplib.SMTPDataError(550, b"mailbox unavailable"), False),
        (smtplib.SMTPSenderRefused(553, b"sender not allowed", "grants@localhost"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), False),
        (TimeoutError("timed out"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (KeyError("a bug in a template"), False),
    ],
)
def test_what_is_worth_trying_again(error, transient):
    assert delivery.is_transient(error) is transient


def test_the_backoff_grows_and_stays_inside_the_stuck_window():
    countdowns = [delivery.retry_countdown(n) for n in range(1, 6)]

    assert countdowns == [30, 60, 120, 240, 480]
    assert max(countdowns) < delivery.stuck_after().total_seconds()


# --- Nothing is lost: broker down, the sweep, send again -------------------------------------


def test_an_approval_succeeds_with_the_broker_down_and_the_sweep_sends_it_later(
    proposal, owner, manager, monkeypatch, django_capture_on_commit_callbacks
):
    submit_in_window(proposal, actor=owner)
    Notification.objects.all().delete()

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(send_notification, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            approve_proposal(proposal, actor=manager)

    row = Notification.objects.get()
    assert row.status == "pending" and mail.outbox == []
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=2))

    assert send_pending_notifications.apply().get() == 1

    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1


def test_a_worker_lost_between_claim_and_send_is_replaced_after_ten_minutes(owner):
    row = _row(owner)
    assert delivery.claim(row.pk) is not None  # ... and the worker dies here

    assert send_notification.apply(args=[row.pk]).get() == "skipped"  # redelivered too early
    assert send_pending_notifications.apply().get() == 0
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert send_pending_notifications.apply().get() == 1

    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2
    assert len(mail.outbox) == 1


def test_the_sweep_runs_every_minute_from_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-notifications"]

    assert entry["task"] == send_pending_notifications.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 60


def test_the_sweep_takes_lost_rows_and_leaves_the_others(owner):
    now = timezone.now()
    minutes_ago = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731
    never_queued = _row(owner)
    fresh = _row(owner)
    crashed = _row(owner, status="sending", claimed_at=minutes_ago(11), attempts=1)
    busy = _row(owner, status="sending", claimed_at=minutes_ago(2), attempts=1)
    lost_retry = _row(owner, status="pending", claimed_at=minutes_ago(11), attempts=2)
    waiting_retry = _row(owner, status="pending", claimed_at=minutes_ago(3), attempts=2)
    _row(owner, status="sent", sent_at=now)
    _row(owner, status="failed", attempts=6)
    Notification.objects.filter(pk=never_queued.pk).update(created_at=minutes_ago(2))
    Notification.objects.all().exclude(pk=fresh.pk).update(created_at=minutes_ago(30))

    due = set(delivery.due_for_sending().values_list("pk", flat=True))

    assert due == {never_queued.pk, crashed.pk, lost_retry.pk}
    assert send_pending_notifications.apply().get() == 3
    sent = set(Notification.objects.filter(status="sent").values_list("pk", flat=True))
    assert {never_queued.pk, crashed.pk, lost_retry.pk} <= sent
    assert busy.pk not in sent and waiting_retry.pk not in sent and fresh.pk not in sent
    assert len(mail.outbox) == 3


def test_programme_staff_send_a_failed_notification_again(
    owner, django_capture_on_commit_callbacks
):
    staff = User.objects.create_superuser("staff@example.org", "x")
    row = _row(owner, status="failed", attempts=6, last_error="SMTPServerDisconnected: gone")

    with django_capture_on_commit_callbacks(execute=True):
        notifications.resend_notification(row, actor=staff)

    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1 and row.last_error == ""
    assert len(mail.outbox) == 1
    [entry] = audit.entries_for(row)
    assert (entry.action, entry.actor, entry.from_state) == ("notification.resend", staff, "failed")
    with pytest.raises(DomainError):
        notifications.resend_notification(row, actor=staff)


def test_the_admin_action_sends_failed_ones_again_and_skips_the_others(
    client, owner, django_capture_on_commit_callbacks, two_factor_login
):
    two_factor_login(client, User.objects.create_superuser("staff@example.org", "x"))
    failed = _row(owner, status="failed", attempts=6, last_error="timed out")
    sent = _row(owner, status="sent", sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:organisations_notification_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert "1 notification will be sent again; 1 had not failed." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(mail.outbox) == 1


# --- In the app ------------------------------------------------------------------------------


def test_the_dashboard_lists_the_persons_notifications_with_the_unread_count(client, owner):
    _row(owner, kind="proposal_rejected")
    _row(owner, kind="organisation_validated", read_at=timezone.now())
    _row(UserFactory(), kind="proposal_approved")  # someone else's
    client.force_login(owner)

    page = client.get(DASHBOARD_URL).content.decode()

    assert "“Robots” was not approved." in page
    assert "Code Club is validated for" in page
    assert "is approved" not in page
    assert 'id="notifications-badge"> <span class="badge rounded-pill' in page
    assert '>1<span class="visually-hidden"> unread' in page
    assert page.count(">New</span>") == 1


def test_mark_all_read_clears_the_badge_and_keeps_the_list(client, owner):
    _row(owner)
    other = _row(UserFactory())
    client.force_login(owner)

    response = client.post(
        reverse("organisations:notifications_read"), {"next": "/my/#notifications"}
    )

    assert response.status_code == 302 and response.url == "/my/#notifications"
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    page = client.get(DASHBOARD_URL).content.decode()
    assert "“Robots” was not approved." in page and ">New</span>" not in page
    assert " unread</span>" not in page


def test_mark_all_read_by_htmx_answers_the_list_and_the_badge(client, owner):
    _row(owner)
    client.force_login(owner)

    response = client.post(
        reverse("organisations:notifications_read"), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('id="notifications"') == 1 and "“Robots” was not approved." in page
    assert '<span id="notifications-badge" hx-swap-oob="true"></span>' in page


def test_mark_all_read_needs_a_post_and_a_login(client, owner):
    assert client.post(reverse("organisations:notifications_read")).status_code == 302
    client.force_login(owner)
    assert client.get(reverse("organisations:notifications_read")).status_code == 405


def test_the_badge_and_the_list_cost_one_query_and_nothing_for_visitors(client, owner):
    _row(owner, read_at=timezone.now())
    for _ in range(notifications.LATEST_IN_APP + 2):
        _row(owner)

    assert not [q for q in _queries(client, "/") if "organisations_notification" in q]
    assert "notifications-badge" not in client.get("/").content.decode()

    client.force_login(owner)
    asked = [q for q in _queries(client, DASHBOARD_URL) if "organisations_notification" in q]
    assert len(asked) == 1
    page = client.get(DASHBOARD_URL).content.decode()
    assert '>12<span class="visually-hidden"> unread' in page  # all unread, not just the listed
    assert page.count(">New</span>") == notifications.LATEST_IN_APP


def _queries(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [query["sql"] for query in captured.captured_queries]


def test_an_inactive_member_is_not_told(organisation, owner, programme, manager):
    gone = MembershipFactory(organisation=organisation, user=UserFactory(is_active=False)).user

    services.decide_validation(organisation, programme.edition, actor=manager, validated=True)

    assert _recipients("organisation_validated") == {owner.email}
    assert gone.email not in _recipients("organisation_validated")
    assert Membership.objects.filter(user=gone).exists()
