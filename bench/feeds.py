"""/events.geojson with 10,000 public events: from the cache (< 20 ms) and uncached (< 300 ms).

Adds the events (and their proposals) to the demo data inside a transaction that is rolled back
at the end, so the benchmark database keeps only the demo data. Run with `make bench`.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
django.setup()

import datetime as dt  # noqa: E402
import random  # noqa: E402

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.timing import report, time_page  # noqa: E402
from events.models import Event, Proposal  # noqa: E402
from events.public import bump_version  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def add_upcoming_events(count: int) -> None:
    """Copies of demo proposals, approved, each with an upcoming public event."""
    rng = random.Random(7)
    model = Proposal.objects.exclude(latitude=None).select_related("organisation").first()
    start = timezone.now() + dt.timedelta(days=3)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            organisation_id=model.organisation_id,
            country_programme_id=model.country_programme_id,
            created_by_id=model.created_by_id,
            status=Proposal.Status.APPROVED,
            title=f"Bench event {n}",
            description=model.description,
            format=model.format,
            delivery=model.delivery,
            age_min=10,
            age_max=16,
            expected_participants=20,
            starts_at=start + dt.timedelta(hours=n % 2000),
            ends_at=start + dt.timedelta(hours=n % 2000 + 2),
            duration_minutes=100,
            city=model.city,
            requested_amount=model.requested_amount,
            currency=model.currency,
        )
        for n in range(count)
    )
    Event.objects.bulk_create(
        Event(
            proposal=proposal,
            edition_id=model.country_programme.edition_id,
            slug=f"bench-event-{n}",
            title=proposal.title,
            description=proposal.description,
            organisation_name=model.organisation.name,
            country=model.country_programme.country,
            city=model.city,
            latitude=round(rng.uniform(36, 60), 5),
            longitude=round(rng.uniform(-9, 30), 5),
            starts_at=proposal.starts_at,
            ends_at=proposal.ends_at,
            format=proposal.format,
            delivery=proposal.delivery,
            age_min=10,
            age_max=16,
            published_at=timezone.now(),
        )
        for n, proposal in enumerate(proposals)
    )


class Uncached(Client):
    """Every request finds the feed cache stale, as right after an event changed."""

    def get(self, *args, **kwargs):
        bump_version()
        return super().get(*args, **kwargs)


def main() -> int:
    url = reverse("feeds:geojson")
    with transaction.atomic():
        add_upcoming_events(EVENTS)
        upcoming = Event.objects.filter(ends_at__gte=timezone.now()).count()
        cached = time_page(Client(), url, RUNS)
        uncached = time_page(Uncached(), url, max(5, RUNS // 3))
        transaction.set_rollback(True)
    print(f"{upcoming} upcoming public events; {RUNS} runs")
    ok = report([("events.geojson (cached)", cached)], 20)
    ok = report([("events.geojson (uncached)", uncached)], 300) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
