"""The feeds' fast path (events.feed_cache): a feed asked again is answered from this process's
memory, without the view or the database, with the view's own bytes and headers, and never
stale: a new version of the public events (an approval, a cancellation) is served at once."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import views_public
from events.feed_cache import KeptAnswer
from events.models import Proposal
from events.public import bump_version
from grants.services import approve_proposal, cancel_grant, publish_event
from meetandcode.kernel import redis_outage
from meetandcode.kernel.memory import ByteLimitedLRU
from tests.factories import (
    ProposalFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

FEEDS = ["geojson", "ics", "rss", "csv"]
# Added per answer by the outer middleware (the policy may carry a fresh nonce).
PER_ANSWER = {"Content-Security-Policy"}


@pytest.fixture
def view_calls(monkeypatch) -> list[str]:
    """Each time the feed view runs (it asks for the version first), one entry."""
    calls: list[str] = []
    real_version = views_public.version

    def counted_version():
        calls.append("feed view")
        return real_version()

    monkeypatch.setattr(views_public, "version", counted_version)
    return calls


def upcoming(programme, title: str, status=Proposal.Status.SUBMITTED, **fields) -> Proposal:
    starts = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    return ProposalFactory(
        country_programme=programme,
        status=status,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        requested_amount=Decimal("300.00"),
        **fields,
    )


@pytest.fixture
def published(programme, django_capture_on_commit_callbacks):
    """One approved proposal's public event, the version bumped as after a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        proposal = upcoming(programme, "Robots", status=Proposal.Status.APPROVED)
        publish_event(proposal)
    return proposal


def get(client, fmt, **headers):
    return client.get(reverse(f"feeds:{fmt}"), headers=headers)


def body(response) -> bytes:
    """The bytes of an answer, whether the view's or a file streamed from memory."""
    return response.getvalue()


def titles(response) -> list[str]:
    return [f["properties"]["title"] for f in json.loads(body(response))["features"]]


def headers_of(response) -> dict[str, str]:
    return {k: v for k, v in response.items() if k not in PER_ANSWER}


@pytest.mark.parametrize("fmt", FEEDS)
def test_a_feed_asked_again_is_answered_without_the_view_or_the_database(
    client, published, view_calls, django_assert_num_queries, fmt
):
    first = get(client, fmt)

    with django_assert_num_queries(0):
        again = get(client, fmt)

    assert first.status_code == again.status_code == 200
    assert view_calls == ["feed view"]
    kept = body(again)  # a stream is read once
    assert kept == body(first) and b"Robots" in kept
    assert again.streaming  # from an in-memory file, which gunicorn can sendfile()
    assert headers_of(again) == headers_of(first)
    assert again["Content-Length"] == str(len(body(first)))
    assert again["Access-Control-Allow-Origin"] == "*"


def test_the_same_filters_in_another_order_share_an_answer_and_other_filters_do_not(
    client, published, view_calls
):
    url = reverse("feeds:geojson")
    client.get(url, {"q": "Robots", "country": "LU", "utm_source": "mail"})
    same = client.get(url + "?country=LU&q=Robots")
    other = client.get(url, {"q": "Chess"})

    assert view_calls == ["feed view", "feed view"]
    assert titles(same) == ["Robots"] and titles(other) == []


def test_an_approval_and_a_cancellation_are_in_the_very_next_answer(
    client, programme, manager, published, django_capture_on_commit_callbacks
):
    assert titles(get(client, "geojson")) == titles(get(client, "geojson")) == ["Robots"]

    scratch = upcoming(programme, "Scratch")
    with django_capture_on_commit_callbacks(execute=True):
        approve_proposal(scratch, actor=manager)
    assert sorted(titles(get(client, "geojson"))) == ["Robots", "Scratch"]

    with django_capture_on_commit_callbacks(execute=True):
        cancel_grant(scratch, actor=manager, reason="The school closed.")
    assert titles(get(client, "geojson")) == ["Robots"]


def test_a_known_etag_or_date_gets_304_from_memory(
    client, published, view_calls, django_assert_num_queries
):
    first = get(client, "geojson")

    with django_assert_num_queries(0):
        by_etag = get(client, "geojson", **{"If-None-Match": first["ETag"]})
        by_date = get(client, "geojson", **{"If-Modified-Since": first["Last-Modified"]})
        other_etag = get(client, "geojson", **{"If-None-Match": '"something-else"'})

    assert view_calls == ["feed view"]
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.content == b"" and by_etag["ETag"] == first["ETag"]
    assert "max-age=300" in by_etag["Cache-Control"]
    assert other_etag.status_code == 200 and body(other_etag) == body(first)


def test_head_gets_the_headers_without_the_body(client, published, view_calls):
    url = reverse("feeds:rss")
    head_first = client.head(url)  # through the view, kept for the GET after it
    get_then = client.get(url)
    head_again = client.head(url)

    assert view_calls == ["feed view"]
    assert head_first.status_code == get_then.status_code == head_again.status_code == 200
    assert head_again.content == b""
    assert head_again["Content-Length"] == str(len(body(get_then)))
    assert head_again["ETag"] == get_then["ETag"] == head_first["ETag"]
    assert head_again["Content-Type"] == "application/rss+xml; charset=utf-8"


def test_the_byte_limit_evicts_the_least_recently_used_answer(
    client, programme, settings, django_capture_on_commit_callbacks, view_calls
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_event(
            upcoming(programme, "Robots", status="approved", description="Gears and code. " * 400)
        )
    size = len(get(Client(), "geojson").content)  # a feed of ~6 kB, the headers under 1 kB
    settings.FEED_MEMORY_CACHE_BYTES = size + size // 2  # room for one answer, not two
    view_calls.clear()
    url = reverse("feeds:geojson")

    client.get(url)  # kept
    client.get(url, {"q": "Robots"})  # kept, the first one pushed out
    client.get(url, {"q": "Robots"})  # from memory
    client.get(url)  # through the view again

    assert view_calls == ["feed view"] * 3


def test_a_limit_of_zero_keeps_nothing(client, published, settings, view_calls):
    settings.FEED_MEMORY_CACHE_BYTES = 0

    responses = [get(client, "csv") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert view_calls == ["feed view"] * 3


def test_the_memory_counts_its_bytes_and_drops_the_oldest_first():
    def answer(size: int) -> KeptAnswer:
        return KeptAnswer(length=size, headers=(), etag=None, last_modified=None)

    store = ByteLimitedLRU(250)
    store.put("a", answer(100))
    store.put("b", answer(100))
    store.get("a")  # used last: "b" is now the oldest
    store.put("c", answer(100))
    store.put("too big", answer(251))

    assert ("a" in store, "b" in store, "c" in store, "too big" in store) == (
        True,
        False,
        True,
        False,
    )
    assert store.size == 200


def test_with_redis_down_the_feed_still_answers_through_the_view(client, published, view_calls):
    assert get(client, "geojson").status_code == 200  # kept in memory under the version

    redis_outage.mark_down(ConnectionError("Redis is down in this test"))
    try:
        responses = [get(client, "geojson") for _ in range(2)]
    finally:
        redis_outage.reset()

    assert [r.status_code for r in responses] == [200, 200]
    assert [titles(r) for r in responses] == [["Robots"], ["Robots"]]
    assert view_calls == ["feed view"] * 3  # no version, so no answer from memory


def test_answers_from_memory_carry_the_security_headers(published, settings, view_calls):
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()

    get(client, "geojson")
    response = client.get(reverse("feeds:geojson"), secure=True)

    assert view_calls == ["feed view"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_host_not_allowed_is_refused_on_the_fast_path_too(client, published):
    get(client, "geojson")

    response = client.get(reverse("feeds:geojson"), HTTP_HOST="evil.example.com")

    assert response.status_code == 400


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.parametrize("fmt", FEEDS)
def test_a_reader_accepting_gzip_gets_the_same_feed_gzipped_from_the_view_and_from_memory(
    client, published, view_calls, django_assert_num_queries, fmt
):
    plain = get(client, fmt)
    from_view = get(client, fmt, **GZIP)
    with django_assert_num_queries(0):
        from_memory = get(client, fmt, **GZIP)

    assert view_calls == ["feed view", "feed view"]  # one build, then each encoding once
    plain_bytes, view_bytes, memory_bytes = body(plain), body(from_view), body(from_memory)
    assert "Content-Encoding" not in plain
    for answer, zipped in ((from_view, view_bytes), (from_memory, memory_bytes)):
        assert answer.status_code == 200
        assert answer["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped) == plain_bytes
        assert answer["ETag"] != plain["ETag"]  # another representation, another ETag
    assert memory_bytes == view_bytes
    assert headers_of(from_memory) == headers_of(from_view)
    assert int(from_memory["Content-Length"]) == len(view_bytes) < len(plain_bytes)
    for answer in (plain, from_view, from_memory):
        assert "Accept-Encoding" in answer["Vary"]


def test_each_encoding_answers_304_to_its_own_etag(client, published, view_calls):
    zipped = get(client, "geojson", **GZIP)
    plain = get(client, "geojson")

    again_zipped = get(client, "geojson", **GZIP, **{"If-None-Match": zipped["ETag"]})
    again_plain = get(client, "geojson", **{"If-None-Match": plain["ETag"]})
    crossed = get(client, "geojson", **{"If-None-Match": zipped["ETag"]})

    assert again_zipped.status_code == again_plain.status_code == 304
    assert "Content-Encoding" not in again_zipped
    assert crossed.status_code == 200 and "Content-Encoding" not in crossed
    assert json.loads(body(crossed))["features"][0]["properties"]["title"] == "Robots"


def test_the_gzipped_feed_is_the_same_bytes_in_every_process(published, view_calls):
    first = get(Client(), "geojson", **GZIP)
    bump_version()  # as after a change: the feed built again from the database
    again = get(Client(), "geojson", **GZIP)

    assert view_calls == ["feed view", "feed view"]
    assert body(first) == body(again) and first["ETag"] == again["ETag"]
