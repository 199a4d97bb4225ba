"""Every e-mail of the app goes through the notification outbox, with its retries: validation
codes a partner issues, an invitation to act for an organisation, a declined join request.

A mail server that fails never fails the request whose change is saved (codes are shown once: a
500 after they were committed would lose them); the mail waits in the outbox and a later attempt
delivers it.
"""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse

from grants.services import issue_tokens
from organisations import notifications
from organisations.models import Membership, Notification, PartnerStaff, ValidationToken
from organisations.tasks import send_notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADDRESS = "office@school.example"
REASON = "We only take volunteers from our town."


class SmtpDown(LocmemBackend):
    """A mail server that answers every message with an error."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("Mail server unavailable")


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SmtpDown"}}


@pytest.fixture
def broker(monkeypatch):
    """A broker that holds the queued tasks (a worker runs them later): the ids it was given."""
    queued: list[int] = []
    monkeypatch.setattr(notifications, "enqueue", queued.extend)
    return queued


# --- The three actions, each through its page -------------------------------------------------


@pytest.fixture
def programme():
    return CountryProgrammeFactory()


@pytest.fixture
def owner():
    return MembershipFactory(role=Membership.Role.OWNER).user


def _issue_codes(client, two_factor_login, programme, owner) -> tuple[str, list[str]]:
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    two_factor_login(client, manager)
    response = client.post(
        reverse("grants:tokens"),
        {"country_programme": programme.pk, "count": "2", "email": ADDRESS},
    )
    codes = list(ValidationToken.objects.values_list("code", flat=True))
    page = response.content.decode()
    assert response.status_code == 200, page
    assert len(codes) == 2 and all(code in page for code in codes)
    return ADDRESS, codes


def _invite(client, two_factor_login, programme, owner) -> tuple[str, list[str]]:
    organisation = owner.organisations.get()
    client.force_login(owner)
    url = reverse("organisations:invite_member", args=[organisation.pk])
    response = client.post(url, {"email": ADDRESS})
    assert response.status_code == 302
    return ADDRESS, [organisation.name, "/my/invitations/"]


def _decline(client, two_factor_login, programme, owner) -> tuple[str, list[str]]:
    organisation = owner.organisations.get()
    asker = MembershipFactory(organisation=organisation, status=Membership.Status.REQUESTED).user
    client.force_login(owner)
    url = reverse("organisations:decline_member", args=[asker.memberships.get().pk])
    response = client.post(url, {"reason": REASON}, follow=True)
    assert response.status_code == 200
    assert "You declined the request" in response.content.decode()
    return asker.email, [organisation.name, REASON]


ACTIONS = {
    "validation_codes": _issue_codes,
    "member_invitation": _invite,
    "join_declined": _decline,
}


@pytest.fixture(params=list(ACTIONS))
def act(request, client, two_factor_login, programme, owner, django_capture_on_commit_callbacks):
    """Do one of the actions through the test client, its commit's callbacks run as they would
    be after a real request; returns the kind, the address and what the mail must say."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            address, says = ACTIONS[request.param](client, two_factor_login, programme, owner)
        return request.param, address, says

    return run


# --- Tests ------------------------------------------------------------------------------------


def test_a_failing_mail_server_leaves_the_mail_waiting_in_the_outbox_for_a_retry(
    act, smtp_down, broker, settings
):
    kind, address, says = act()

    row = Notification.objects.get(kind=kind)
    assert row.address == address
    assert broker == [row.pk]  # queued once the change was committed
    with pytest.raises(smtplib.SMTPException):  # a worker's attempt: the retry is scheduled
        send_notification(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 1)
    assert "Mail server unavailable" in row.last_error
    assert mail.outbox == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert send_notification(row.pk) == "sent"  # the retry, the server back
    [message] = mail.outbox
    assert message.to == [address]
    assert all(text in message.body for text in says), message.body


def test_a_mail_server_failing_during_the_request_gives_no_error_page(act, smtp_down, eager_tasks):
    kind, address, _says = act()  # each action asserts the page it answers with

    row = Notification.objects.get(kind=kind)
    assert row.address == address
    assert row.status != Notification.Status.SENT and row.attempts >= 1
    assert "SMTPException" in row.last_error
    assert mail.outbox == []


def test_each_mail_is_delivered_to_its_recipient_with_its_text(act, eager_tasks, mailoutbox):
    kind, address, says = act()

    [message] = mailoutbox
    assert message.to == [address]
    assert all(text in message.body for text in says), message.body
    html, _mimetype = message.alternatives[0]
    assert all(text in html for text in says if not text.startswith("/")), html
    assert Notification.objects.get(kind=kind).status == Notification.Status.SENT


def test_the_codes_mail_names_the_partner_and_edition_in_the_recipients_language(
    client,
    two_factor_login,
    programme,
    owner,
    eager_tasks,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    UserFactory(email=ADDRESS, language="de")  # the address has an account that reads German

    with django_capture_on_commit_callbacks(execute=True):
        _issue_codes(client, two_factor_login, programme, owner)

    [message] = mailoutbox
    assert message.subject == f"[Meet and Code] Validierungscodes für {programme.edition}"
    assert f"{programme.partner} sendet Ihnen Bestätigungscodes" in message.body
    assert "/de/my/" in message.body  # the page where an organisation enters a code
    codes = ValidationToken.objects.values_list("code", flat=True)
    assert all(code in message.body for code in codes)
    assert '<html lang="de">' in message.alternatives[0][0]


def test_an_address_without_account_reads_the_codes_in_the_issuers_language(
    programme, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    manager = PartnerStaffFactory(
        partner=programme.partner, role=PartnerStaff.Role.MANAGER, user=UserFactory(language="fr")
    ).user

    with django_capture_on_commit_callbacks(execute=True):
        issue_tokens(programme, actor=manager, count=1, email="new@school.example")

    row = Notification.objects.get(kind="validation_codes")
    assert (row.email, row.recipient, row.status) == ("new@school.example", None, "sent")
    [message] = mailoutbox
    assert '<html lang="fr">' in message.alternatives[0][0]
