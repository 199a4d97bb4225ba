"""Run by tests/integration/test_replica.py in a process of its own, whose DATABASE_URL is a test
primary and DATABASE_REPLICA_URL its streaming replica (both migrated, empty). Each check is an
assert: a failure ends the process with its traceback, which the test shows."""

import os
import sys
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from events import public as public_events  # noqa: E402
from events.models import Event  # noqa: E402
from grants.services import approve_proposal  # noqa: E402
from meetandcode.kernel import replica  # noqa: E402
from meetandcode.kernel.exceptions import BudgetExceeded  # noqa: E402
from programmes.models import CountryProgramme  # noqa: E402
from tests.events.test_reports import approved_event  # noqa: E402
from tests.factories import (  # noqa: E402
    CountryProgrammeFactory,
    PartnerStaffFactory,
    ProposalFactory,
    submit_in_window,
)


def wait_for_replica(seconds: float = 30) -> None:
    replica.note_primary_position()
    deadline = time.monotonic() + seconds
    while not replica.caught_up():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def state() -> dict:
    """What a failed check shows: the replica's replay against the primary's position."""
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_get_wal_replay_pause_state(), pg_last_wal_replay_lsn()::text")
        paused, replayed = cursor.fetchone()
    titles = {alias: list(Event.objects.using(alias).values_list("title", flat=True))
              for alias in ("default", replica.REPLICA)}  # fmt: skip
    noted = cache.get(replica.POSITION_KEY)
    return {"replay": paused, "replayed": replayed, "noted": noted, "titles": titles}


def replay(paused: bool) -> None:
    with connections[replica.REPLICA].cursor() as cursor:
        what = "pause" if paused else "resume"
        cursor.execute(f"SELECT pg_wal_replay_{what}()")


def page(client: Client, address: str) -> tuple[str, int, int]:
    """The page's text, and how many queries it sent to the replica and to the primary."""
    with (
        CaptureQueriesContext(connections[replica.REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        answer = client.get(address)
    assert answer.status_code == 200, (address, answer.status_code)
    return answer.content.decode(), len(on_replica), len(on_primary)


def event_pages_read_the_replica_and_never_keep_an_older_copy_than_their_version() -> None:
    event = Event.objects.get(proposal=approved_event()[0])
    address, visitor = reverse("events:event", args=[event.pk, event.slug]), Client()
    wait_for_replica()
    replay(paused=True)
    try:
        # A change the kept pages' version does not know of: the replica's copy is served.
        Event.objects.filter(pk=event.pk).update(title="Renamed on the primary")
        text, from_replica, from_primary = page(visitor, f"{address}?look=1")
        assert event.title in text and "Renamed on the primary" not in text
        assert from_replica > 1 and from_primary == 0, (from_replica, from_primary)

        # A public change, its version bumped after the commit, that the paused replica has not
        # replayed: the page is built from the primary, and kept so under the new version.
        public_events.bump_version()
        for _ in range(2):  # built, then served as kept
            text, from_replica, from_primary = page(visitor, f"{address}?look=1")
            assert "Renamed on the primary" in text, (from_replica, from_primary, state())
        assert from_replica == 0 and from_primary == 0  # the second was the kept page
    finally:
        replay(paused=False)
    wait_for_replica()
    text, from_replica, from_primary = page(visitor, f"{address}?look=2")
    assert "Renamed on the primary" in text
    assert from_replica > 1 and from_primary == 0, (from_replica, from_primary)


def an_approval_decides_on_the_primary_while_the_replica_lags() -> None:
    first = ProposalFactory(country_programme=CountryProgrammeFactory(country="MT"))
    programme = first.country_programme
    second = ProposalFactory(country_programme=programme)
    manager = PartnerStaffFactory(partner=programme.partner, role="manager").user
    for proposal in (first, second):
        submit_in_window(proposal, actor=manager)
    # Room for one of the two grants, not both.
    budget = first.requested_amount + second.requested_amount - Decimal("1")
    CountryProgramme.objects.filter(pk=programme.pk).update(budget=budget)
    wait_for_replica()
    replay(paused=True)
    try:
        approve_proposal(first, actor=manager)
        on_replica = CountryProgramme.objects.using(replica.REPLICA).get(pk=programme.pk)
        assert on_replica.reserved == 0  # the replica lags: it has not seen the first grant
        with replica.reading_replica():  # as if a view marked for the replica approved
            try:
                approve_proposal(second, actor=manager)
            except BudgetExceeded:
                pass
            else:
                raise AssertionError("the second grant was approved past the budget")
    finally:
        replay(paused=False)
    programme.refresh_from_db()
    assert programme.reserved == first.requested_amount


def public_pages_read_the_primary_while_the_replica_is_away() -> None:
    event = Event.objects.exclude(title="").first()
    address = reverse("events:event", args=[event.pk, event.slug])
    visitor = Client()
    for look in range(3):  # the first waits DB_REPLICA_TIMEOUT for it, the next ones do not
        started = time.monotonic()
        with CaptureQueriesContext(connections["default"]) as on_primary:
            answer = visitor.get(f"{address}?look=away-{look}")
        assert answer.status_code == 200 and event.title in answer.content.decode()
        assert len(on_primary) > 0
        assert time.monotonic() - started < (5 if look == 0 else 1), (
            look,
            time.monotonic() - started,
        )


if __name__ == "__main__":
    assert replica.configured()
    if sys.argv[1:] == ["away"]:
        public_pages_read_the_primary_while_the_replica_is_away()
    else:
        event_pages_read_the_replica_and_never_keep_an_older_copy_than_their_version()
        an_approval_decides_on_the_primary_while_the_replica_lags()
    print("replica checks passed")
