"""The public read API over real HTTP: the feeds' events and fields, their filters, pages that
chain, ETags, one event, the figures. No token."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, Format
from grants.services import approve_proposal, cancel_grant
from tests.api.http import get
from tests.factories import CountryProgrammeFactory, PartnerStaffFactory
from tests.public.test_page_fragment_cache import upcoming
from tests.public.test_public_events import PRIVATE, make_event, soon

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(live_server):
    return f"{live_server.url}/api/v1"


def test_the_events_are_the_feeds_with_every_public_field_and_nothing_private(api, live_server):
    make_event(title="Robots in the library", starts_at=soon(5))
    make_event(title="Hack night", starts_at=soon(9), format=Format.HACKATHON)
    cancelled = make_event(title="Cancelled workshop")
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)

    answer = get(f"{api}/events/")
    geojson = get(f"{live_server.url}/events.geojson").json()

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    page = answer.json()
    assert [e["title"] for e in page["results"]] == ["Robots in the library", "Hack night"]
    assert page["count"] == 2 and page["pages"] == 1 and page["next"] is None
    for event, feature in zip(page["results"], geojson["features"], strict=True):
        assert event["id"] == feature["id"]
        for name, value in feature["properties"].items():
            assert event[name] == value, name
        longitude, latitude = feature["geometry"]["coordinates"]
        assert (event["longitude"], event["latitude"]) == (longitude, latitude)
    assert page["results"][0]["languages"] == ["fr"]
    text = answer.body.decode()
    for secret in [*PRIVATE.values(), "@example.org"]:
        assert secret not in text


def test_the_filters_are_the_feeds_and_a_bad_value_is_named(api, live_server):
    belgium = CountryProgrammeFactory(country="BE")
    make_event(title="In Brussels", country_programme=belgium, city="Bruxelles-Brussel")
    make_event(title="Hack night", format=Format.HACKATHON, age_min=16, age_max=20)

    for query, titles in [
        ("country=BE", {"In Brussels"}),
        ("format=hackathon", {"Hack night"}),
        ("age=17-24&town=", {"Hack night"}),
        ("q=brussel", {"In Brussels"}),
    ]:
        page = get(f"{api}/events/?{query}").json()
        feed = get(f"{live_server.url}/events.geojson?{query}").json()
        assert {e["title"] for e in page["results"]} == titles, query
        assert {f["properties"]["title"] for f in feed["features"]} == titles, query

    bad_box = get(f"{api}/events/?bbox=somewhere")
    assert bad_box.status == 400
    assert list(bad_box.json()["errors"]) == ["bbox"]
    bad_page = get(f"{api}/events/?page=0")
    assert bad_page.status == 400 and list(bad_page.json()["errors"]) == ["page"]
    too_big = get(f"{api}/events/?page_size=5000")
    assert too_big.status == 400 and list(too_big.json()["errors"]) == ["page_size"]


def test_pages_chain_from_first_to_last_with_every_event_once(api):
    made = [make_event(title=f"Event {n}", starts_at=soon(3 + n)).pk for n in range(5)]

    seen, url, pages = [], f"{api}/events/?page_size=2&country=LU", 0
    while url:
        page = get(url).json()
        seen += [e["id"] for e in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == made and pages == 3
    last = get(f"{api}/events/?page_size=2&country=LU&page=3").json()
    assert last["previous"].endswith("page=2&page_size=2")
    assert get(f"{api}/events/?page_size=2&page=9").json()["results"] == []


def test_an_unchanged_list_answers_304_and_a_cancelled_event_changes_it(api):
    programme = CountryProgrammeFactory()
    manager = PartnerStaffFactory(partner=programme.partner).user
    approve_proposal(upcoming(programme, "Robots"), actor=manager)
    event = Event.objects.get()

    first = get(f"{api}/events/")
    etag = first.headers["ETag"]
    again = get(f"{api}/events/", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert get(f"{api}/events/{event.pk}/", headers={"If-None-Match": etag}).status == 200

    cancel_grant(event.proposal, actor=manager, reason="The venue closed for repairs.")
    after = get(f"{api}/events/", headers={"If-None-Match": etag})
    assert after.status == 200 and after.headers["ETag"] != etag
    assert after.json()["results"] == []
    assert get(f"{api}/events/{event.pk}/").status == 404


def test_one_event_and_the_figures(api):
    event = make_event(title="Robots", starts_at=timezone.now() + dt.timedelta(days=4))

    one = get(f"{api}/events/{event.pk}/")
    assert one.status == 200 and one.json()["title"] == "Robots"
    assert (
        get(f"{api}/events/{event.pk}/", headers={"If-None-Match": one.headers["ETag"]}).status
        == 304
    )
    assert get(f"{api}/events/999999/").status == 404

    figures = get(f"{api}/figures/").json()
    assert figures["total"]["approved_events"] == 1
    assert [row["code"] for row in figures["by_country"]] == [str(event.country)]
    year = event.edition.year
    assert get(f"{api}/figures/?edition={year}").json()["edition"] == year
    assert get(f"{api}/figures/?edition=1900").status == 404
