"""Webhooks: which changes write which deliveries (in the change's own transaction, to the
endpoints whose owner may see it), the outbox sending them to a loopback receiver that checks
each signature, retrying after a 500 and giving up in the end, replay, and the pages a manager
registers, tests, reads and turns off endpoints on. A real worker on a real Redis is in
tests/integration/test_webhook_worker.py."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Report
from events.reports import accept_report
from events.services import save_event_edit
from grants import payments
from grants.services import cancel_grant, reject_proposal
from meetandcode.api import tasks, webhook_outbox, webhooks
from meetandcode.api.models import WebhookDelivery, WebhookEndpoint
from organisations.models import AuditEntry, PartnerStaff
from tests.events.test_reports import approved_event, with_costs
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
    submit_in_window,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

K = WebhookEndpoint.Kind
ALL_KINDS = list(K.values)


class World:
    """Luxembourg's and Belgium's programmes, each with a manager; programme staff."""

    def __init__(self):
        self.lu = CountryProgrammeFactory(country="LU")
        self.be = CountryProgrammeFactory(edition=self.lu.edition, country="BE")
        self.lu_manager = _staff(self.lu, PartnerStaff.Role.MANAGER)
        self.be_manager = _staff(self.be, PartnerStaff.Role.MANAGER)
        self.programme_staff = UserFactory(is_programme_staff=True)

    def endpoint(self, owner, kinds=None, countries=None, url="https://hooks.example.org/in"):
        endpoint, _secret = webhooks.create_endpoint(
            owner,
            name=f"{owner.email}'s site",
            url=url,
            kinds=kinds or ALL_KINDS,
            countries=countries if countries is not None else [],
        )
        return endpoint

    def submitted(self, programme=None):
        programme = programme or self.lu
        proposal = ProposalFactory(
            organisation=MembershipFactory().organisation, country_programme=programme
        )
        BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
        submit_in_window(proposal, actor=self.lu_manager)
        return proposal


def _staff(programme, role):
    return PartnerStaffFactory(partner=programme.partner, role=role).user


@pytest.fixture
def world(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []  # the endpoints' address: resolved, never called here
    return World()


@pytest.fixture(autouse=True)
def public_names(monkeypatch):
    """hooks.example.org resolves to a public address (no DNS in the tests)."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def kinds_of(endpoint) -> list[str]:
    return sorted(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("kind", flat=True))


def body_of(endpoint, kind) -> dict:
    return json.loads(WebhookDelivery.objects.get(endpoint=endpoint, kind=kind).body)


# --- Which changes write which deliveries ---------------------------------------------------


def test_an_approval_is_told_to_the_endpoints_that_hear_of_it_and_may_see_it(world):
    lu_site = world.endpoint(world.lu_manager, countries=["LU"])
    lu_payments = world.endpoint(world.lu_manager, kinds=[K.PAYMENT_RECORDED], countries=["LU"])
    be_site = world.endpoint(world.be_manager, countries=["BE"])
    code_week = world.endpoint(world.programme_staff, kinds=[K.EVENT_PUBLISHED])
    turned_off = world.endpoint(world.lu_manager, countries=["LU"])
    webhooks.disable_endpoint(turned_off, actor=world.lu_manager)

    proposal, _manager = approved_event(programme=world.lu)

    assert kinds_of(lu_site) == [K.EVENT_PUBLISHED, K.PROPOSAL_DECIDED]
    assert kinds_of(code_week) == [K.EVENT_PUBLISHED]
    assert kinds_of(lu_payments) == kinds_of(be_site) == kinds_of(turned_off) == []
    published = body_of(lu_site, K.EVENT_PUBLISHED)
    assert published == body_of(code_week, K.EVENT_PUBLISHED)  # one happening, one id
    assert uuid.UUID(published["id"]) and published["kind"] == "event.published"
    event = published["data"]["event"]
    assert (event["id"], event["title"], event["status"]) == (
        proposal.event.pk,
        proposal.event.title,
        "scheduled",
    )
    decided = body_of(lu_site, K.PROPOSAL_DECIDED)["data"]
    assert decided["decision"] == "approved" and decided["proposal"]["id"] == proposal.pk
    assert decided["grant"]["reference"] == proposal.grant.reference
    assert Decimal(decided["grant"]["amount"]) == proposal.grant.amount


def test_the_event_in_a_delivery_is_the_apis_event(world, client):
    code_week = world.endpoint(world.programme_staff, kinds=[K.EVENT_PUBLISHED])
    proposal, _manager = approved_event(programme=world.lu)

    answer = client.get(f"/api/v1/events/{proposal.event.pk}/")

    assert body_of(code_week, K.EVENT_PUBLISHED)["data"]["event"] == answer.json()


def test_a_change_rolled_back_writes_no_delivery(world):
    world.endpoint(world.lu_manager, countries=["LU"])
    with pytest.raises(RuntimeError), transaction.atomic():
        approved_event(programme=world.lu)
        assert WebhookDelivery.objects.exists()
        raise RuntimeError("the request failed after the approval")

    assert not WebhookDelivery.objects.exists()


def test_an_owner_who_left_the_partner_hears_nothing_more(world):
    site = world.endpoint(world.lu_manager, countries=["LU"])
    PartnerStaff.objects.filter(user=world.lu_manager).delete()

    approved_event(programme=world.lu)

    assert kinds_of(site) == []


def test_a_rejection_and_a_cancellation_are_decisions(world):
    site = world.endpoint(world.lu_manager, countries=["LU"])
    refused = world.submitted()
    reject_proposal(refused, actor=world.lu_manager, reason="Not a coding event.")
    decided = body_of(site, K.PROPOSAL_DECIDED)["data"]
    assert (decided["decision"], decided["grant"]) == ("rejected", None)

    WebhookDelivery.objects.all().delete()
    proposal, manager = approved_event(programme=world.lu)
    WebhookDelivery.objects.all().delete()
    cancel_grant(proposal, actor=manager, reason="The venue closed.")

    assert kinds_of(site) == [K.EVENT_CANCELLED, K.PROPOSAL_DECIDED]
    assert body_of(site, K.EVENT_CANCELLED)["data"]["event"]["status"] == "cancelled"
    cancelled = body_of(site, K.PROPOSAL_DECIDED)["data"]
    assert cancelled["decision"] == "cancelled" and cancelled["grant"]["status"] == "cancelled"


def test_a_report_its_acceptance_a_payment_and_an_edit_are_told(world):
    site = world.endpoint(world.lu_manager, countries=["LU"])
    member = MembershipFactory()
    proposal, manager = approved_event(member.organisation, programme=world.lu)
    WebhookDelivery.objects.all().delete()

    applicant = Client()
    applicant.force_login(member.user)
    applicant.post(reverse("events:report_submit", args=[proposal.pk]), with_costs(proposal))
    report = Report.objects.get(proposal=proposal)
    assert body_of(site, K.REPORT_SUBMITTED)["data"]["report"]["id"] == report.pk

    accept_report(report, actor=manager)
    assert body_of(site, K.EVENT_CHANGED)["data"]["event"]["status"] == "held"

    payments.record_payment(
        proposal.grant,
        actor=manager,
        paid_on=timezone.localdate(),
        amount=proposal.grant.amount,
        reference="BANK-REF-1",
    )
    paid = body_of(site, K.PAYMENT_RECORDED)["data"]["grant"]
    assert (paid["payment_status"], paid["paid_on"]) == ("paid", timezone.localdate().isoformat())

    WebhookDelivery.objects.filter(kind=K.EVENT_CHANGED).delete()
    event = Event.objects.get(proposal=proposal)
    event.title = "Robots in the town hall"
    save_event_edit(event, actor=world.programme_staff, fields=["title"])
    assert body_of(site, K.EVENT_CHANGED)["data"]["event"]["title"] == "Robots in the town hall"


def test_each_endpoint_hears_only_its_countries(world):
    lu_only = world.endpoint(world.programme_staff, kinds=[K.PROPOSAL_DECIDED], countries=["LU"])
    refused = world.submitted(world.be)
    reject_proposal(refused, actor=world.be_manager, reason="Not a coding event.")

    assert kinds_of(lu_only) == []


# --- The outbox: sent, retried, given up, replayed --------------------------------------------


@pytest.fixture
def hooked(world, receiver):
    """The LU manager's endpoint at the loopback receiver, and an approval told to it."""
    endpoint, secret = webhooks.create_endpoint(
        world.lu_manager,
        name="Luxembourg's site",
        url=receiver.url,
        kinds=[K.EVENT_PUBLISHED],
        countries=["LU"],
    )
    approved_event(programme=world.lu)
    return endpoint, secret, WebhookDelivery.objects.get(endpoint=endpoint)


def _due_now(delivery) -> None:
    """The pause before the next attempt has passed."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_500_is_retried_after_its_pause_and_the_body_is_the_same(hooked, receiver, settings):
    endpoint, secret, delivery = hooked
    receiver.answers = [500]

    assert tasks.send_webhook(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.last_error == ""  # the log words the status in the reader's language
    first_pause = settings.WEBHOOK_RETRY_SECONDS[0]
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=first_pause - 5)
    assert tasks.send_due_webhooks.run() == 0  # not due yet: nothing queued, nothing sent
    assert tasks.send_webhook(delivery.pk) == "skipped"
    assert len(receiver.got) == 1

    _due_now(delivery)
    assert list(webhook_outbox.due_for_sending().values_list("pk", flat=True)) == [delivery.pk]
    assert tasks.send_webhook(delivery.pk) == "delivered"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 204)
    assert receiver.all_signed_with(secret)
    (first_headers, first_body), (headers, body) = receiver.got
    assert first_body == body == delivery.body.encode()
    assert headers["X-MeetAndCode-Delivery"] == str(delivery.delivery_id)


def test_after_the_last_pause_a_delivery_fails_for_good(hooked, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = [60, 60]
    _endpoint, _secret, delivery = hooked
    receiver.answers = [500, 502, 503]

    for _attempt in range(3):
        tasks.send_webhook(delivery.pk)
        _due_now(delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 503)
    assert tasks.send_webhook(delivery.pk) == "skipped"
    assert len(receiver.got) == 3


def test_an_address_that_does_not_answer_is_retried(hooked, receiver):
    _endpoint, _secret, delivery = hooked
    receiver.delay = 2.0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.WEBHOOK_TIMEOUT", 0.3)
        assert tasks.send_webhook(delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert delivery.last_status_code is None and "No answer" in delivery.last_error


def test_a_replay_sends_the_same_body_again_with_a_new_delivery_id(hooked, receiver):
    endpoint, secret, delivery = hooked
    tasks.send_webhook(delivery.pk)

    copy = webhooks.replay_delivery(delivery, actor=endpoint.owner)
    assert tasks.send_webhook(copy.pk) == "delivered"

    (_h, first), (headers, again) = receiver.got
    assert first == again and json.loads(again)["id"] == str(delivery.event_id)
    assert headers["X-MeetAndCode-Delivery"] == str(copy.delivery_id) != str(delivery.delivery_id)
    assert receiver.all_signed_with(secret)
    assert AuditEntry.objects.filter(action="webhook.replay", object_id=endpoint.pk).exists()


def test_nothing_waiting_is_sent_once_the_endpoint_is_turned_off(hooked, receiver):
    endpoint, _secret, delivery = hooked
    webhooks.disable_endpoint(endpoint, actor=endpoint.owner)

    assert tasks.send_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert receiver.got == [] and delivery.last_error == "The endpoint was turned off."


def test_a_delivery_is_claimed_by_one_worker_at_a_time(hooked):
    _endpoint, _secret, delivery = hooked
    assert webhook_outbox.claim(delivery.pk) is not None
    assert webhook_outbox.claim(delivery.pk) is None
    # a worker that died while sending: claimable again once it cannot be sending any more
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - webhook_outbox.stuck_after() - timedelta(seconds=1)
    )
    assert webhook_outbox.claim(delivery.pk) is not None


# --- The pages --------------------------------------------------------------------------------


def _manager(world) -> Client:
    return log_in_with_second_factor(Client(), world.lu_manager)


FORM = {"name": "Our website", "url": "https://hooks.example.org/in", "kinds": ["event.published"]}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"url": "http://hooks.example.org/in"}, "url", "Only https addresses"),
        ({"url": "https://localhost/in"}, "url", "private, local or reserved"),
        ({"url": "https://169.254.169.254/latest/"}, "url", "private, local or reserved"),
        ({"kinds": []}, "kinds", "Choose at least one kind"),
        ({"countries": ["BE"]}, "countries", "Select a valid choice"),
        ({"countries": []}, "countries", "Choose at least one of your countries"),
    ],
)
def test_a_wrong_field_is_named_and_what_was_typed_stays(world, change, field, words):
    data = {**FORM, "countries": ["LU"], **change}

    answer = _manager(world).post(reverse("webhooks:new"), data)

    assert answer.status_code == 400
    assert words in str(answer.context["form"].errors[field])
    html = answer.content.decode()
    assert 'value="Our website"' in html and f'id="error_1_id_{field}"' in html
    assert not WebhookEndpoint.objects.exists()


def test_a_manager_registers_an_endpoint_sees_its_secret_once_tests_it_and_turns_it_off(world):
    manager = _manager(world)
    answer = manager.post(reverse("webhooks:new"), {**FORM, "countries": ["LU"]})

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in answer.content.decode() and endpoint.countries == ["LU"]
    assert "no-store" in answer["Cache-Control"]
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    assert endpoint.secret not in manager.get(detail).content.decode()
    assert endpoint.name in manager.get(reverse("webhooks:list")).content.decode()

    manager.post(reverse("webhooks:ping", args=[endpoint.pk]))
    ping = WebhookDelivery.objects.get(endpoint=endpoint)
    assert ping.kind == "ping" and json.loads(ping.body)["kind"] == "ping"
    page = manager.get(detail).content.decode()
    assert f'id="delivery-{ping.pk}"' in page and str(ping.delivery_id) in page

    manager.post(reverse("webhooks:disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    actions = AuditEntry.objects.filter(object_id=endpoint.pk, action__startswith="webhook.")
    assert sorted(actions.values_list("action", flat=True)) == [
        "webhook.create",
        "webhook.disable",
        "webhook.ping",
    ]


def test_the_log_shows_each_attempts_outcome_and_replays_on_request(world, hooked, receiver):
    endpoint, _secret, delivery = hooked
    receiver.answers = [500]
    tasks.send_webhook(delivery.pk)
    manager = _manager(world)
    detail = reverse("webhooks:detail", args=[endpoint.pk])

    page = manager.get(detail, {"status": "pending"}).content.decode()
    assert "last answer 500" in page and "next attempt" in page
    assert list(manager.get(detail, {"status": "delivered"}).context["page"].object_list) == []

    _due_now(delivery)
    tasks.send_webhook(delivery.pk)
    manager.post(reverse("webhooks:replay", args=[endpoint.pk, delivery.pk]))
    copy = WebhookDelivery.objects.get(replay_of=delivery)
    assert copy.body == delivery.body and copy.status == "pending"


def test_another_countrys_manager_finds_no_endpoint_and_a_reviewer_none_at_all(world):
    endpoint = world.endpoint(world.lu_manager, countries=["LU"])
    other = log_in_with_second_factor(Client(), world.be_manager)

    assert other.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 404
    assert endpoint.name not in other.get(reverse("webhooks:list")).content.decode()
    assert other.post(reverse("webhooks:disable", args=[endpoint.pk])).status_code == 404
    reviewer = log_in_with_second_factor(Client(), _staff(world.lu, PartnerStaff.Role.REVIEWER))
    assert reviewer.get(reverse("webhooks:list")).status_code == 403
    assert world.programme_staff.pk and endpoint.disabled_at is None


def test_the_pages_speak_the_persons_language(world):
    endpoint = world.endpoint(world.lu_manager, countries=["LU"])
    manager = _manager(world)

    page = manager.get("/de" + reverse("webhooks:detail", args=[endpoint.pk])).content.decode()

    assert 'lang="de"' in page and "Send a test delivery" not in page


def test_the_retention_purge_deletes_old_deliveries_only(hooked):
    from organisations.privacy import purge_old_data

    endpoint, _secret, recent = hooked
    old = webhooks.ping_endpoint(endpoint, actor=endpoint.owner)
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=41))

    counts = purge_old_data(days=40)

    assert counts["webhook_deliveries_deleted"] == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [recent.pk]


def test_tests_and_replays_are_limited_per_person(world):
    from meetandcode.api.views_webhooks import SEND_RATE

    endpoint = world.endpoint(world.lu_manager, countries=["LU"])
    manager = _manager(world)
    ping = reverse("webhooks:ping", args=[endpoint.pk])
    allowed = int(SEND_RATE.split("/")[0])

    answers = [manager.post(ping).status_code for _ in range(allowed + 1)]

    assert answers == [302] * allowed + [429]
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == allowed


def test_a_new_secret_is_shown_once_and_signs_from_then_on(world, hooked, receiver):
    endpoint, old_secret, delivery = hooked
    manager = _manager(world)

    answer = manager.post(reverse("webhooks:new_secret", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret and endpoint.secret in answer.content.decode()
    assert "no-store" in answer["Cache-Control"]
    tasks.send_webhook(delivery.pk)  # waiting since before: signed with the new secret
    assert receiver.all_signed_with(endpoint.secret)
    assert not receiver.all_signed_with(old_secret)
    assert AuditEntry.objects.filter(action="webhook.new_secret", object_id=endpoint.pk).exists()
