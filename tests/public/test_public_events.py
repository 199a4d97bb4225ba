"""The public side: the event list, event pages and the open feeds show public fields only."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Delivery, Event, Format
from grants.services import publish_event
from tests.factories import (
    LanguageFactory,
    MembershipFactory,
    OrganisationFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

PRIVATE = {
    "contact_email": "secret.contact@example.org",
    "phone": "+352 691 000 111",
    "iban": "LU280019400644750000",
    "contact_name": "Private Person",
}
FEEDS = ["geojson", "ics", "rss", "csv"]
RSS_FIELDS = [
    "title", "description", "link", "pubDate", "school_name", "organisation_type",
    "activity_type", "country", "address", "organiser_website", "image_link", "start_date",
    "end_date", "lat", "lon",
]  # fmt: skip


def soon(days=10, hour=10):
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, microsecond=0)


def make_event(**proposal_fields) -> Event:
    """An approved proposal's public event, its organisation holding every private detail."""
    organisation = OrganisationFactory(website="https://robots.example.org", **PRIVATE)
    MembershipFactory(
        organisation=organisation, user__email=f"member.{organisation.pk}@example.org"
    )
    starts = proposal_fields.pop("starts_at", soon())
    fields = {"starts_at": starts, "ends_at": starts + dt.timedelta(hours=2)} | proposal_fields
    proposal = ProposalFactory(organisation=organisation, status="approved", **fields)
    proposal.languages.add(LanguageFactory(code="fr"))
    return publish_event(proposal)


def feed(client, fmt, **params):
    return client.get(reverse(f"feeds:{fmt}"), params)


def parse_xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314  (our own feed, in a test)


def body(response) -> str:
    return response.content.decode()


# --- no personal data, only approved and not cancelled --------------------------------------------


def test_pages_and_feeds_never_show_personal_data_or_cancelled_events(client):
    shown = make_event(title="Robots in the library")
    cancelled = make_event(title="Cancelled workshop")
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    ProposalFactory(status="submitted", title="Not decided yet", starts_at=soon())

    pages = [
        client.get(reverse("events:list")),
        client.get(reverse("events:event", args=[shown.pk, shown.slug])),
        client.get(reverse("events:embed_map")),
        *(feed(client, fmt) for fmt in FEEDS),
    ]
    for response in pages:
        text = body(response)
        assert response.status_code == 200
        assert "Robots in the library" in text
        assert "Cancelled workshop" not in text and "Not decided yet" not in text
        for secret in [*PRIVATE.values(), "@example.org", "Private Person"]:
            assert secret not in text, (response.request["PATH_INFO"], secret)
    cancelled_page = reverse("events:event", args=[cancelled.pk, cancelled.slug])
    assert client.get(cancelled_page).status_code == 404


# --- the list and its filters --------------------------------------------------------------------


def test_the_list_shows_upcoming_events_first_then_held_ones_and_upcoming_only_on_request(client):
    make_event(title="Last month", starts_at=soon(-30))
    make_event(title="Next week", starts_at=soon(7))

    default = client.get(reverse("events:list"))
    upcoming_only = body(client.get(reverse("events:list"), {"when": "upcoming"}))
    past = body(client.get(reverse("events:list"), {"date_to": str(timezone.localdate())}))

    assert [e.title for e in default.context["page"].object_list] == ["Next week", "Last month"]
    assert [e.held for e in default.context["page"].object_list] == [False, True]
    assert 'href="?when=upcoming"' in body(default)  # "Upcoming only", one click away
    assert "Next week" in upcoming_only and "Last month" not in upcoming_only
    assert "Last month" in past and "Next week" not in past


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "BE"}, {"In Brussels"}),
        ({"town": "brussel"}, {"In Brussels"}),
        ({"format": Format.HACKATHON}, {"Hack night"}),
        ({"age": "17-24"}, {"Hack night"}),
        ({"delivery": Delivery.ONLINE}, {"Online course"}),
        ({"language": "fr"}, {"In Brussels", "Hack night", "Online course"}),
        ({"q": "hack"}, {"Hack night"}),
    ],
)
def test_each_filter_narrows_the_list_and_the_feeds_alike(client, params, expected):
    from tests.factories import CountryProgrammeFactory

    belgium = CountryProgrammeFactory(country="BE")
    make_event(title="In Brussels", country_programme=belgium, city="Bruxelles-Brussel")
    make_event(title="Hack night", format=Format.HACKATHON, age_min=16, age_max=20)
    make_event(title="Online course", delivery=Delivery.ONLINE)

    page = body(client.get(reverse("events:list"), params))
    geo = feed(client, "geojson", **params).json()

    for title in {"In Brussels", "Hack night", "Online course"}:
        assert (title in page) == (title in expected), title
    assert {f["properties"]["title"] for f in geo["features"]} == expected


def test_a_bad_filter_value_is_explained_not_a_crash(client):
    response = feed(client, "geojson", bbox="north-ish")
    page = client.get(reverse("events:list"), {"bbox": "1,2", "country": "XX"})

    assert response.status_code == 400 and "bbox" in response.json()["errors"]
    assert page.status_code == 200
    assert "Select a valid choice" in body(page)


# --- the feeds validate --------------------------------------------------------------------------


def test_geojson_follows_rfc_7946_and_filters_by_bbox(client):
    inside = make_event(
        title="Luxembourg city", latitude=Decimal("49.61"), longitude=Decimal("6.13")
    )
    make_event(title="Far east", latitude=Decimal("50.45"), longitude=Decimal("30.52"))

    response = feed(client, "geojson", bbox="5.7,49.4,6.6,50.2")
    collection = response.json()

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    [only] = collection["features"]
    assert only["type"] == "Feature" and only["id"] == inside.pk
    assert only["geometry"] == {"type": "Point", "coordinates": [6.13, 49.61]}  # lon, lat
    assert only["properties"]["url"].endswith(f"/events/{inside.pk}-{inside.slug}/")
    whole = feed(client, "geojson").json()["features"]
    for item in whole:
        lon, lat = item["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_icalendar_parses_with_stable_uids(client):
    first = make_event(title="Robots")
    make_event(title="Scratch")

    calendars = [icalendar.Calendar.from_ical(feed(client, "ics").content) for _ in range(2)]

    uids = [[str(e["UID"]) for e in cal.walk("VEVENT")] for cal in calendars]
    assert len(uids[0]) == 2 and uids[0] == uids[1]
    robots = next(e for e in calendars[0].walk("VEVENT") if str(e["SUMMARY"]) == "Robots")
    assert robots.decoded("DTSTART") == first.starts_at
    assert str(robots["URL"]).endswith(f"/events/{first.pk}-{first.slug}/")


def test_rss_items_carry_every_field_eu_code_week_imports(client):
    event = make_event(title="Robots")

    root = parse_xml(feed(client, "rss").content)

    assert root.tag == "rss" and root.get("version") == "2.0"
    [item] = root.iter("item")
    values = {field: item.findtext(field) for field in RSS_FIELDS}
    assert all(values.values()), values
    assert values["activity_type"] == "offline and open"
    assert values["country"] == "Luxembourg"
    assert values["school_name"] == event.organisation_name
    assert Decimal(values["lat"]) == event.latitude


def test_csv_has_a_header_and_one_row_per_event(client):
    make_event(title="Robots")
    make_event(title="Scratch")

    rows = list(csv.reader(io.StringIO(body(feed(client, "csv")))))

    assert rows[0][:3] == ["id", "title", "description"]
    assert sorted(row[1] for row in rows[1:]) == ["Robots", "Scratch"]


# --- caching and invalidation --------------------------------------------------------------------


def test_a_feed_answers_from_cache_and_honours_its_etag(client, django_assert_num_queries):
    make_event(title="Robots")
    first = feed(client, "geojson")

    with django_assert_num_queries(0):
        again = feed(client, "geojson")
    not_modified = client.get(reverse("feeds:geojson"), headers={"If-None-Match": first["ETag"]})

    assert again.content == first.content
    assert first["ETag"] and first["Last-Modified"]
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert not_modified.status_code == 304


def test_a_new_or_cancelled_event_is_in_the_next_feed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        robots = make_event(title="Robots")
    assert len(feed(client, "geojson").json()["features"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        make_event(title="Scratch")
    assert len(feed(client, "geojson").json()["features"]) == 2

    with django_capture_on_commit_callbacks(execute=True):
        robots.status = Event.Status.CANCELLED
        robots.save()
    titles = [f["properties"]["title"] for f in feed(client, "geojson").json()["features"]]
    assert titles == ["Scratch"]


def test_feed_queries_do_not_grow_with_the_events(client, django_assert_max_num_queries):
    make_event()
    with django_assert_max_num_queries(2):  # the events, and the editions (then kept)
        feed(client, "geojson", q="workshop")
    for _ in range(20):
        make_event()
    with django_assert_max_num_queries(1):
        assert len(feed(client, "geojson", q="Scratch").json()["features"]) == 21


# --- the event page, its calendar entry and the embeddable map ----------------------------------


def test_event_page_has_share_metadata_and_a_calendar_entry(client):
    event = make_event(title="Robots in the library")

    page = client.get(reverse("events:event", args=[event.pk, event.slug]))
    wrong_slug = client.get(reverse("events:event", args=[event.pk, "old-title"]))
    entry = client.get(reverse("events:event_calendar", args=[event.pk, event.slug]))

    text = body(page)
    assert '<meta property="og:title" content="Robots in the library">' in text
    assert 'property="og:image"' in text and "https://robots.example.org" in text
    assert "French" in text  # the language's name, not its code
    assert wrong_slug.status_code == 301 and wrong_slug["Location"].endswith(f"{event.slug}/")
    assert entry["Content-Disposition"].startswith("attachment")
    [vevent] = icalendar.Calendar.from_ical(entry.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Robots in the library"


def test_only_the_embeddable_map_may_be_framed_by_other_sites(client):
    make_event()

    embed = client.get(reverse("events:embed_map"), {"country": "LU"})
    listing = client.get(reverse("events:list"))

    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in listing["Content-Security-Policy"]
    assert listing["X-Frame-Options"] == "DENY"


def test_an_event_without_a_pin_stands_at_its_town_and_says_so(client):
    event = make_event(title="No pin", latitude=None, longitude=None, city="Esch-sur-Alzette")

    assert event.location_is_approximate
    assert abs(event.latitude - Decimal("49.4958")) < Decimal("0.01")
    assert abs(event.longitude - Decimal("5.9806")) < Decimal("0.01")
    assert "shown at the town" in body(client.get(reverse("events:list")))


def test_the_feeds_parse_as_json_everywhere(client):
    make_event(title='Quotes " and <tags> & more')
    collection = json.loads(feed(client, "geojson").content)
    assert collection["features"][0]["properties"]["title"] == 'Quotes " and <tags> & more'
    assert (
        parse_xml(feed(client, "rss").content).find("channel/item/title").text.startswith("Quotes")
    )


@pytest.mark.redis
def test_the_feeds_and_the_map_answer_while_redis_is_known_to_be_down(client):
    """A Redis outage makes the cache empty, not broken: the feed's version key falls back to
    "now" and each feed is built uncached."""
    from meetandcode.kernel import redis_outage

    redis_outage.mark_down(ConnectionError("Redis is down in this test"))
    try:
        responses = [client.get(url) for url in ("/events.geojson", "/events.ics", "/events/")]
    finally:
        redis_outage.reset()

    assert [r.status_code for r in responses] == [200, 200, 200]
