"""The public side never shows an empty map while there are events: by default the map, the
embedded map, GeoJSON and CSV show the map's editions (the current one and, until its events
begin, the one before), upcoming events first and held ones after, marked held; iCalendar and
RSS keep the upcoming events; each takes ``edition`` and ``when``. Checked at several days of
the yearly cycle, with last year's edition over and this year's coming."""

import csv
import datetime as dt
import io
import json

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from grants.services import publish_event
from tests.factories import CountryProgrammeFactory, EditionFactory, ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

THIS_YEAR = ["This year early", "This year late"]  # soonest first, as long as upcoming
LAST_YEAR = ["Last year late", "Last year early"]  # held: the latest first


def this_year() -> int:
    return timezone.localdate().year


def on(year: int, month: int, day: int, hour: int = 12):
    """Travel to that day (frozen), in the programme's time zone."""
    moment = dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment, tick=False)


def held_in(edition, title: str, day: int) -> Event:
    programme = CountryProgrammeFactory(edition=edition)
    starts = dt.datetime(edition.year, 9, day, 10, tzinfo=timezone.get_current_timezone())
    proposal = ProposalFactory(
        country_programme=programme,
        status="approved",
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    return publish_event(proposal)


@pytest.fixture
def editions(settings):
    """Last year's edition, over, with two events (one with its report accepted: HELD), and
    this year's, with two events in September."""
    settings.PUBLIC_PAGE_SECONDS = 0  # whole pages kept across a journey in time would mislead
    last, this = EditionFactory(year=this_year() - 1), EditionFactory(year=this_year())
    early = held_in(last, "Last year early", 5)
    Event.objects.filter(pk=early.pk).update(status=Event.Status.HELD)
    held_in(last, "Last year late", 20)
    held_in(this, "This year early", 6)
    held_in(this, "This year late", 21)
    return last, this


def listed(client, **params) -> list[tuple[str, bool]]:
    page = client.get(reverse("events:list"), params).context["page"]
    return [(event.title, event.held) for event in page.object_list]


def geojson(client, **params):
    return client.get(reverse("feeds:geojson"), params)


def geojson_titles(client, **params) -> set[str]:
    # getvalue(): the view's answer, or the fast path's (streamed from memory)
    features = json.loads(geojson(client, **params).getvalue())["features"]
    return {feature["properties"]["title"] for feature in features}


def ical_titles(client, **params) -> list[str]:
    calendar = icalendar.Calendar.from_ical(client.get(reverse("feeds:ics"), params).content)
    return sorted(str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT"))


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        # Winter, before the call opens: this year's upcoming events, then last year's held.
        (1, 10, [(t, False) for t in THIS_YEAR] + [(t, True) for t in LAST_YEAR]),
        # The call is open, the events have not begun: still both.
        (5, 1, [(t, False) for t in THIS_YEAR] + [(t, True) for t in LAST_YEAR]),
        # This year's events have begun: this year's only.
        (6, 17, [(t, False) for t in THIS_YEAR]),
        # This year's season is over: its events, held, the latest first.
        (12, 1, [(t, True) for t in reversed(THIS_YEAR)]),
    ],
)
def test_the_map_shows_the_map_editions_upcoming_first_then_held(
    client, editions, month, day, expected
):
    with on(this_year(), month, day):
        assert listed(client) == expected
        assert geojson_titles(client) == {title for title, _held in expected}
        embed = client.get(reverse("events:embed_map")).content.decode()
    positions = [embed.index(title) for title, _held in expected]
    assert positions == sorted(positions)  # the embedded map lists them in the same order
    assert embed.count("event-held") == sum(held for _title, held in expected)


def test_upcoming_only_is_one_click_away_and_back(client, editions):
    with on(this_year(), 1, 10):
        page = client.get(reverse("events:list")).content.decode()
        upcoming = client.get(reverse("events:list"), {"when": "upcoming"})

        assert 'href="?when=upcoming"' in page
        assert [title for title, _held in listed(client, when="upcoming")] == THIS_YEAR
        assert "Show held events too" in upcoming.content.decode()
        assert geojson_titles(client, when="upcoming") == set(THIS_YEAR)


def test_an_edition_is_picked_by_its_year_or_all_of_them(client, editions):
    last, this = editions
    with on(this_year(), 7, 1):
        assert [t for t, _held in listed(client, edition=str(last.year))] == LAST_YEAR
        assert geojson_titles(client, edition=str(last.year)) == set(LAST_YEAR)
        assert geojson_titles(client, edition="all") == set(THIS_YEAR + LAST_YEAR)
        choices = client.get(reverse("events:list")).context["filterset"].form["edition"]
        html = str(choices)
    assert html.index(this.name) < html.index(last.name) < html.index("All editions")


def test_icalendar_and_rss_keep_the_upcoming_events_by_default(client, editions):
    with on(this_year(), 1, 10):
        assert ical_titles(client) == sorted(THIS_YEAR)
        assert ical_titles(client, when="all") == sorted(THIS_YEAR + LAST_YEAR)
        rss = client.get(reverse("feeds:rss")).content.decode()
        assert all(title in rss for title in THIS_YEAR)
        assert not any(title in rss for title in LAST_YEAR)
    with on(this_year(), 12, 1):
        assert ical_titles(client) == []
        assert ical_titles(client, edition=str(editions[1].year), when="all") == sorted(THIS_YEAR)


def test_csv_follows_the_map(client, editions):
    with on(this_year(), 1, 10):
        rows = list(csv.reader(io.StringIO(client.get(reverse("feeds:csv")).content.decode())))
    assert sorted(row[1] for row in rows[1:]) == sorted(THIS_YEAR + LAST_YEAR)


def test_a_cached_feed_follows_the_default_when_the_current_edition_changes(client, editions):
    last_year = this_year() - 1
    # Last year's last day of events: last year's edition is the current one.
    with on(last_year, 10, 31):
        for _ in range(2):  # kept in Redis, then in this process's memory (events.feed_cache)
            assert geojson_titles(client) == set(LAST_YEAR)
        assert geojson(client).streaming  # answered from memory, the fast path
        assert [t for t, _held in listed(client)] == ["Last year late", "Last year early"]
    # The next day this year's edition is the next to open: it and last year's are shown.
    with on(last_year, 11, 1):
        assert geojson_titles(client) == set(THIS_YEAR + LAST_YEAR)
        assert [t for t, _held in listed(client)] == THIS_YEAR + LAST_YEAR
    # Once this year's events begin, last year's leave the map.
    with on(this_year(), 6, 16):
        assert geojson_titles(client) == set(THIS_YEAR + LAST_YEAR)
    with on(this_year(), 6, 17):
        assert geojson_titles(client) == set(THIS_YEAR)


def test_home_shows_the_latest_held_events_when_none_is_upcoming(client, editions):
    with on(this_year(), 1, 10):
        winter = client.get(reverse("home"))
    with on(this_year(), 12, 1):
        after = client.get(reverse("home"))

    assert not winter.context["home_events"].held
    assert [e.title for e in winter.context["home_events"].events] == THIS_YEAR
    assert "Upcoming events" in winter.content.decode()
    assert after.context["home_events"].held
    assert [e.title for e in after.context["home_events"].events] == list(reversed(THIS_YEAR))
    assert "Recently held" in after.content.decode()


def test_a_staff_edit_of_an_editions_window_changes_the_maps_default_at_once(
    client, editions, django_capture_on_commit_callbacks
):
    """The default editions are cached; moving this year's events to start later (so that they
    have not begun yet) brings last year's held events back at once, not minutes later."""
    last, this = editions
    with on(this_year(), 7, 1):
        assert geojson_titles(client) == set(THIS_YEAR)
        this.event_start = dt.date(this_year(), 8, 1)
        with django_capture_on_commit_callbacks(execute=True):
            this.save()
        assert geojson_titles(client) == set(THIS_YEAR + LAST_YEAR)
