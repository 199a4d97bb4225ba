"""/metrics: Prometheus' text format, read here by prometheus_client's own parser; only for a
scraper with the token or from an allowed network; the requests by view and status, and the
programme's figures from the database (outbox, letters, budgets)."""

from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from grants.letters import build_award_letter
from organisations.models import Notification
from programmes.models import CountryProgramme
from tests.events.test_reports import approved_event
from tests.factories import CountryProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-scraper-token"  # noqa: S105


@pytest.fixture
def scraper(settings, client):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []

    def scrape() -> dict[str, dict[tuple, float]]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].startswith("text/plain; version=")
        return samples(response.content.decode())

    return scrape


def samples(text: str) -> dict[str, dict[tuple, float]]:
    """Each sample's value by its name, then by its labels (sorted pairs)."""
    found: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def requests_of(scraped, view: str, status: str) -> float:
    series = scraped.get("meetandcode_http_requests_total", {})
    return sum(v for labels, v in series.items() if ("view", view) in labels and
               ("status", status) in labels)  # fmt: skip


def test_metrics_do_not_exist_until_a_token_or_a_network_is_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("authorization", ["", "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_metrics_refuse_a_scraper_without_the_token(client, settings, authorization):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, ["10.0.0.0/8"]
    response = client.get("/metrics", headers={"Authorization": authorization})
    assert response.status_code == 403
    assert b"meetandcode_" not in response.content


def test_metrics_answer_an_allowed_network_without_a_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["10.1.0.0/16", "::1/128"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 403


def test_behind_a_proxy_the_client_address_counts_not_the_proxy(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["127.0.0.1/32"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # the proxy on 127.0.0.1 adds the client's address
    from_outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                              HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    assert from_outside.status_code == 403


def test_requests_are_counted_by_view_and_status(client, scraper):
    before = scraper()
    client.get("/events/")
    client.get("/events/")
    client.get("/events/999999-nothing/")
    after = scraper()

    assert requests_of(after, "events:list", "200") - requests_of(before, "events:list", "200") == 2
    assert (
        requests_of(after, "events:event", "404") - requests_of(before, "events:event", "404") == 1
    )
    latency = after["meetandcode_http_request_duration_seconds_count"]
    assert latency[(("view", "events:list"),)] >= 2
    # One series per page, never per address: the id in the path is not a label.
    assert not any("999999" in str(labels) for labels in after["meetandcode_http_requests_total"])


def test_the_outbox_letters_and_budgets_are_read_from_the_database(scraper, private_storage):
    recipient = UserFactory()
    for status in ["pending", "pending", "failed"]:
        Notification.objects.create(recipient=recipient, kind="proposal_submitted", status=status)
    programme = CountryProgrammeFactory(budget=Decimal("5000"))
    proposal, _manager = approved_event(programme=programme)
    build_award_letter(proposal.grant.pk)  # what the worker's task runs
    programme.refresh_from_db()

    scraped = scraper()

    waiting = scraped["meetandcode_outbox_waiting"][()]
    assert waiting == Notification.objects.filter(status__in=["pending", "sending"]).count() >= 2
    assert scraped["meetandcode_outbox_failed"][()] == 1
    assert scraped["meetandcode_letters_built_total"][()] == 1
    labels = (("country", "LU"), ("currency", "EUR"), ("edition", programme.edition.code))
    assert scraped["meetandcode_budget"][labels] == 5000
    assert scraped["meetandcode_budget_reserved"][labels] == float(proposal.grant.amount) > 0
    assert scraped["meetandcode_figure_up"][(("figure", "budgets"),)] == 1


def test_a_figure_that_cannot_be_read_is_marked_down_and_the_rest_still_answer(
    scraper, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is away")

    monkeypatch.setattr(CountryProgramme.objects, "filter", broken)
    scraped = scraper()
    assert scraped["meetandcode_figure_up"][(("figure", "budgets"),)] == 0
    assert scraped["meetandcode_figure_up"][(("figure", "outbox"),)] == 1
    assert "meetandcode_budget_reserved" not in scraped
