"""Webhooks through a real Celery worker with its beat on a real Redis: an approval committed
here is sent by the worker to a receiver on loopback, which checks every signature and answers
500 first; the beat's sweep sends it again after its pause, and a replay asked for on the page
is sent too."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from meetandcode.api import webhooks
from meetandcode.api.models import WebhookDelivery, WebhookEndpoint
from tests.api.receiver import receiver  # noqa: F401 (a fixture)
from tests.events.test_reports import approved_event
from tests.factories import CountryProgrammeFactory, PartnerStaffFactory, log_in_with_second_factor
from tests.waiting import wait_until

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _status(delivery: WebhookDelivery) -> str:
    delivery.refresh_from_db()
    return delivery.status


def test_a_500_is_retried_by_the_sweep_and_a_replay_is_sent(workers, receiver):  # noqa: F811
    workers.start(
        beat=True,
        app="tests.integration.loopback_webhooks",
        WEBHOOK_SWEEP_SECONDS="1",
        WEBHOOK_RETRY_SECONDS="2,2",
    )
    programme = CountryProgrammeFactory(country="LU")
    manager = PartnerStaffFactory(partner=programme.partner, role="manager").user
    endpoint, secret = webhooks.create_endpoint(
        manager,
        name="Luxembourg's site",
        url=receiver.url,
        kinds=[WebhookEndpoint.Kind.EVENT_PUBLISHED],
        countries=["LU"],
    )
    receiver.answers = [500]

    proposal, _manager = approved_event(programme=programme)

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    wait_until(lambda: _status(delivery) == "delivered", "the retry to be delivered", 60)
    assert (delivery.attempts, delivery.last_status_code) == (2, 204)
    assert [json.loads(body)["data"]["event"]["id"] for _h, body in receiver.got] == [
        proposal.event.pk
    ] * 2
    assert receiver.all_signed_with(secret)

    page = log_in_with_second_factor(Client(), manager)
    page.post(reverse("webhooks:replay", args=[endpoint.pk, delivery.pk]))
    copy = WebhookDelivery.objects.get(replay_of=delivery)
    wait_until(lambda: _status(copy) == "delivered", "the replay to be delivered", 60)
    assert len(receiver.got) == 3 and receiver.got[2][1] == receiver.got[0][1]
    assert receiver.got[2][0]["X-MeetAndCode-Delivery"] == str(copy.delivery_id)
    assert receiver.all_signed_with(secret)
