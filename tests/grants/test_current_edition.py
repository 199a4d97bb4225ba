"""The current edition is decided by the dates, never by the latest year."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from programmes.models import Edition
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def _at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def _two_editions():
    """This year's and next year's editions: call from 15 April to 30 September, events from
    17 June to 31 October (the factory's calendar)."""
    return EditionFactory(year=THIS_YEAR), EditionFactory(year=THIS_YEAR + 1)


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        (1, 10, "this"),  # before this year's call: the next to open
        (5, 2, "this"),  # during the call
        (10, 5, "this"),  # after the deadline, events running
        (11, 20, "next"),  # all over: next year's call is the next to open
    ],
)
def test_the_current_edition_follows_the_calendar(month, day, expected):
    this, following = _two_editions()
    with time_machine.travel(_at(THIS_YEAR, month, day), tick=False):
        current = Edition.objects.current()
    assert current == (this if expected == "this" else following)


def test_an_open_call_wins_over_running_events():
    this, following = _two_editions()
    following.applications_open = dt.date(THIS_YEAR, 9, 1)
    following.save()
    with time_machine.travel(_at(THIS_YEAR, 10, 5), tick=False):
        assert Edition.objects.current() == following
        assert this.phase() == "closed"
        assert following.phase() == "open"


def test_without_anything_to_come_the_last_edition_is_current():
    older = EditionFactory(year=THIS_YEAR - 3)
    last = EditionFactory(year=THIS_YEAR - 2)
    with time_machine.travel(_at(THIS_YEAR, 3, 1), tick=False):
        assert Edition.objects.current() == last
    assert older != last


def test_a_later_year_announced_for_later_is_not_current_while_this_call_is_open():
    """A new edition made early (with a higher year) does not take over while this call runs."""
    this, following = _two_editions()
    with time_machine.travel(_at(THIS_YEAR, 6, 1), tick=False):
        assert Edition.objects.current() == this
        assert Edition.objects.next_call() == following
        assert following.phase() == "upcoming"


def test_no_edition_means_none():
    assert Edition.objects.current() is None


def test_an_editions_events_are_over_from_the_day_after_its_last_event_day():
    """What lets a past edition's exports read the replica (grants.views._export)."""
    edition = EditionFactory(year=THIS_YEAR)  # events until 31 October
    assert not edition.events_over(_at(THIS_YEAR, 10, 31, hour=20))
    assert edition.events_over(_at(THIS_YEAR, 11, 1, hour=12))
