"""The mail server answers "421 try later" to the first attempts, then "550 refused": a real
worker process sends through Django's SMTP backend to a real SMTP server (aiosmtpd).

The outbox retries the 4xx replies with backoff and gives up at the first 5xx, without a further
try; staff see the failure in the admin's notification list, and "send again" (the admin action)
delivers exactly one e-mail once the server accepts.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import Notification, User
from organisations.tasks import send_notification
from tests.factories import UserFactory, log_in_with_second_factor
from tests.waiting import wait_until

from .smtp_server import ScriptedHandler, SmtpServer

pytestmark = [
    pytest.mark.faults,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

TRY_LATER = "421 4.3.2 Service busy, try again later"
REFUSED = "550 5.1.1 Mailbox unavailable"


def smtp_env(server: SmtpServer) -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "NOTIFICATION_RETRY_SECONDS": "1",  # backoff 1 s, 2 s, ... instead of 30 s, 60 s, ...
    }


def row_is(pk: int, status: str):
    return lambda: Notification.objects.filter(pk=pk, status=status).exists()


def test_421_is_retried_550_fails_at_once_and_send_again_delivers_once(workers, capsys):
    handler = ScriptedHandler(script=[TRY_LATER, TRY_LATER], then=REFUSED)
    row = Notification.objects.create(
        recipient=UserFactory(email="ioana@example.org"),
        kind="proposal_rejected",
        context={"proposal": "Robots in the library"},
    )
    with SmtpServer(handler) as server:
        workers.start(**smtp_env(server))
        started = time.monotonic()
        send_notification.delay(row.pk)

        wait_until(row_is(row.pk, "failed"), "the notification to fail", 60, workers.logs)
        seconds = time.monotonic() - started
        time.sleep(3)  # longer than the next backoff: a retry after the 550 would show here
        row.refresh_from_db()
        assert handler.attempts == [TRY_LATER, TRY_LATER, REFUSED]
        assert row.attempts == 3 and row.status == "failed" and "550" in row.last_error
        with capsys.disabled():
            print(f"\n[smtp] 421, 421, 550: failed after {len(handler.attempts)} attempts, "
                  f"{seconds:.1f} s")  # fmt: skip

        staff = log_in_with_second_factor(
            Client(), User.objects.create_superuser("staff@example.org", "x")
        )
        changelist = reverse("admin:organisations_notification_changelist")
        listed = staff.get(changelist, {"status__exact": "failed"}).content.decode()
        assert str(row.recipient) in listed and "proposal_rejected" in listed
        assert "1 notification" in listed or ">1<" in listed or listed.count("Failed") >= 1
        page = staff.get(reverse("admin:organisations_notification_change", args=[row.pk]))
        assert "Mailbox unavailable" in page.content.decode()

        handler.then = "250 OK"  # the mailbox exists again
        response = staff.post(
            changelist, {"action": "send_again", "_selected_action": [row.pk]}, follow=True
        )
        said = [str(message) for message in response.context["messages"]]
        assert len(said) == 1 and said[0].startswith("1 notification"), said
        assert "will be sent again" in said[0], said

        wait_until(row_is(row.pk, "sent"), "the notification sent again", 30, workers.logs)
        time.sleep(1.5)  # room for a duplicate to (not) arrive
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error == ""
    assert handler.attempts == [TRY_LATER, TRY_LATER, REFUSED, "250 OK"]
    assert len(handler.accepted) == 1 and b"ioana@example.org" in handler.accepted[0]
    assert Notification.objects.count() == 1
