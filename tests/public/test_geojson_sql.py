"""/events.geojson comes from PostgreSQL: it must be the very document the Python builder makes."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from events import feeds
from events.models import Delivery, Event, Format
from events.public import PublicEventFilter, bump_version, visible_events
from grants.services import publish_event
from tests.factories import LanguageFactory, OrganisationFactory, ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FILTERS = [
    "",
    "date_from=2000-01-01",
    "bbox=5.7,49.4,6.6,50.2",
    "bbox=-10,35,40,60&date_from=2000-01-01",
    "q=robots",
    "delivery=online",
    "delivery=in_person&age=13-16",
    "language=de",
    "format=hackathon",
    "country=LU&town=esch",
    "date_to=2000-01-01",
    "when=upcoming",
    "edition=all&when=all",
]


def publish(
    days=10, languages=("fr",), website="https://club.example.org", town="", **fields
) -> Event:
    starts = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=123456)
    organisation = OrganisationFactory(website=website, city=town)
    proposal = ProposalFactory(
        organisation=organisation,
        status="approved",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2, minutes=30),
        **fields,
    )
    proposal.languages.add(*(LanguageFactory(code=code) for code in languages))
    return publish_event(proposal)


@pytest.fixture
def events():
    """Every case a feature can take: pins exact, approximate and missing; every delivery."""
    return [
        publish(title='Robots "quoted" \\ back\nslash <b> ü 東京', languages=("fr", "de", "lb")),
        publish(days=11, delivery=Delivery.ONLINE, latitude=None, longitude=None, city=""),
        publish(days=12, latitude=None, longitude=None, city="Esch-sur-Alzette", website=""),
        publish(days=13, delivery=Delivery.HYBRID, format=Format.HACKATHON, languages=()),
        publish(days=14, latitude=Decimal("-33.86882"), longitude=Decimal("-151.20930")),
        publish(days=-400, title="Long past robots", age_min=14, age_max=18),
    ]


def both_builders(query: str) -> tuple[dict, dict]:
    events = PublicEventFilter(QueryDict(query), queryset=visible_events()).qs
    return json.loads(feeds.geojson_in_sql(events)), json.loads(feeds.geojson_in_python(events))


def test_the_cases_are_all_there(events):
    collection, _python = both_builders("date_from=2000-01-01")
    features = {item["id"]: item for item in collection["features"]}
    online, approximate = features[events[1].pk], features[events[2].pk]
    assert online["geometry"] is None and online["properties"]["delivery"] == "online"
    assert approximate["properties"]["location_is_approximate"] is True
    assert approximate["geometry"]["type"] == "Point"
    assert features[events[0].pk]["properties"]["languages"] == ["de", "fr", "lb"]
    assert features[events[3].pk]["properties"]["languages"] == []
    assert features[events[4].pk]["geometry"]["coordinates"] == [-151.2093, -33.86882]


@pytest.mark.parametrize("query", FILTERS)
def test_sql_and_python_write_the_same_feature_collection(events, query):
    from_sql, from_python = both_builders(query)

    assert from_sql.keys() == from_python.keys() == {"type", "features"}
    assert from_sql["type"] == "FeatureCollection"
    assert [f["id"] for f in from_sql["features"]] == [f["id"] for f in from_python["features"]]
    for sql_feature, python_feature in zip(
        from_sql["features"], from_python["features"], strict=True
    ):
        assert list(sql_feature) == list(python_feature) == ["type", "id", "geometry", "properties"]
        assert sql_feature["geometry"] == python_feature["geometry"]
        assert list(sql_feature["properties"]) == list(python_feature["properties"])
        for name, value in python_feature["properties"].items():
            assert sql_feature["properties"][name] == value, name
            assert type(sql_feature["properties"][name]) is type(value), name


def test_the_filters_select_what_they_say(events):
    def ids(query):
        return [item["id"] for item in both_builders(query)[0]["features"]]

    luxembourg = [events[5].pk, events[0].pk, events[2].pk, events[3].pk]  # by starts_at
    assert ids("bbox=5.7,49.4,6.6,50.2") == luxembourg
    assert ids("delivery=online") == [events[1].pk]
    assert ids("format=hackathon") == [events[3].pk]
    assert ids("date_to=2000-01-01") == []
    assert events[5].pk in ids("date_from=2000-01-01") and events[5].pk in ids("")  # the map's
    assert events[5].pk not in ids("when=upcoming")


def test_the_feed_serves_the_sql_document_with_event_links_and_rfc_7946_points(client, events):
    response = client.get(reverse("feeds:geojson"), {"when": "upcoming"})
    first = response.json()["features"][0]

    assert response["Content-Type"] == "application/geo+json"
    assert json.loads(response.content) == both_builders("when=upcoming")[1]
    assert first["properties"]["url"] == feeds.event_url(events[0])
    assert first["properties"]["url"].endswith(f"/events/{events[0].pk}-{events[0].slug}/")
    assert first["geometry"]["coordinates"] == [6.13, 49.61]  # lon, lat, as numbers
    assert (
        first["properties"]["starts_at"].endswith("Z")
        and "." not in first["properties"]["starts_at"]
    )


def test_an_uncached_feed_costs_two_queries_however_many_events(client, django_assert_num_queries):
    # The events, and the editions (which decide the default; read again after a new version).
    for days in range(3):
        publish(days=days + 1)
    bump_version()
    with django_assert_num_queries(2):
        assert len(client.get(reverse("feeds:geojson")).json()["features"]) == 3
    for days in range(25):
        publish(days=days + 5)
    bump_version()
    with django_assert_num_queries(2):
        assert len(client.get(reverse("feeds:geojson")).json()["features"]) == 28
