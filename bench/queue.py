"""The partner's review queue with 10,000 proposals: constant queries, well under 300 ms.

Builds its own throwaway database (dropped at the end; ``BENCH_KEEP=1`` keeps it), fills it
with 10,000 proposals of one partner's country (plus 2,000 of another country, which the queue
must leave out), 2 reviews of 3 scores on most of them, then times the queue pages through
Django's test client and prints the median and 95th percentile.

    TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mc python -m bench.queue

The throwaway database is DATABASE_URL's name plus ``_queue_bench`` (PostgreSQL), or a
temporary SQLite file when DATABASE_URL is unset or SQLite.
"""

import os
import random
import sys
import time

from bench.databases import throwaway_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
os.environ.setdefault("TESTING", "1")

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "10000"))
NOISE = PROPOSALS // 5  # another country's proposals: the queue must not show them
BUDGET_MS = 300
SEED = 24  # a constant: the same proposals on every run


def edition_year() -> int:
    """The benchmark's edition: two years before today's, every date of it in the past (as the
    tests' default edition, tests/factories.py PAST_YEAR). Needs Django set up."""
    from django.utils import timezone

    return timezone.localdate().year - 2


def proposal_pages(client, queue: str) -> list[tuple[str, dict]]:
    """A proposal in the middle of the queue, whose page finds its previous and next in the
    queue as the manager left it (grants.workbench.pager): in the order of submission, and by
    average score (computed for every proposal of the queue to order them)."""
    from django.urls import reverse

    from bench.timing import time_page
    from events.models import Proposal

    ids = Proposal.objects.filter(country_programme__country="LU").order_by("pk")
    middle = reverse("grants:proposal", args=[ids.values_list("pk", flat=True)[PROPOSALS // 2]])
    rows = []
    for name, query in [("submitted", "todo=all"), ("score", "todo=all&sort=-score")]:
        client.get(f"{queue}?{query}")  # the choice the proposal page walks through
        rows.append((f"proposal page, queue by {name}", time_page(client, middle, RUNS)))
    return rows


def populate():
    """10,000 proposals in Luxembourg and 2,000 in Belgium, reviews, focus groups."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from events.models import FocusGroup, Format, Proposal
    from grants.models import Review, ReviewScore
    from organisations.models import LegalForm, Organisation, Partner, PartnerStaff, User
    from programmes.models import CountryProgramme, Edition, ReviewCriterion

    rng = random.Random(SEED)
    tz = ZoneInfo("Europe/Luxembourg")
    year = edition_year()
    edition = Edition.objects.create(
        name=f"Meet and Code {year}",
        year=year,
        code=f"MC{year % 100:02d}",
        applications_open=dt.date(year, 4, 15),
        application_deadline=dt.datetime(year, 9, 30, 23, 59, tzinfo=tz),
        event_start=dt.date(year, 6, 17),
        event_end=dt.date(year, 10, 31),
        max_grant=Decimal("500"),
    )
    criteria = [
        ReviewCriterion.objects.create(edition=edition, name=name, position=i)
        for i, name in enumerate(["Reach", "Quality", "Feasibility"])
    ]
    programmes = {}
    for country, budget in (("LU", "400000"), ("BE", "100000")):
        partner = Partner.objects.create(name=f"Partner {country}", countries=[country])
        programmes[country] = CountryProgramme.objects.create(
            edition=edition,
            country=country,
            partner=partner,
            budget=Decimal(budget),
            reserved=Decimal("120000") if country == "LU" else 0,
            max_grant=Decimal("500"),
            languages=["fr"],
        )
    groups = [
        FocusGroup.objects.create(code=code, name=code.title())
        for code in ("girls", "refugees", "underserved")
    ]
    creator = User.objects.create_user("applicant@bench.example.org")
    reviewers = [User.objects.create_user(f"reviewer{n}@bench.example.org") for n in range(4)]
    manager = User.objects.create_user("manager@bench.example.org")
    PartnerStaff.objects.create(
        user=manager, partner=programmes["LU"].partner, role=PartnerStaff.Role.MANAGER
    )
    organisations = {}
    for country in programmes:
        form = LegalForm.objects.create(country=country, name="ASBL")
        organisations[country] = Organisation.objects.bulk_create(
            Organisation(
                name=f"Code Club {country} {n}",
                country=country,
                legal_form=form,
                registration_number=f"{country}{n:06d}",
                street="1, rue",
                postcode="1000",
                city=rng.choice(["Luxembourg", "Esch", "Diekirch", "Ettelbruck", "Gent"]),
                contact_name="Contact",
                contact_email=f"c{n}@{country.lower()}.example.org",
            )
            for n in range(PROPOSALS // 5)
        )
    statuses = (
        ["submitted"] * 12
        + ["approved"] * 3
        + ["rejected"] * 2
        + [
            "changes_requested",
            "withdrawn",
            "draft",
        ]
    )
    formats = [value for value, _label in Format.choices]
    words = ["scratch", "python", "robots", "games", "web", "art", "music", "data", "arduino"]

    def proposal(country, n):
        start = dt.datetime(year, 6, 17, 10, tzinfo=tz) + dt.timedelta(days=rng.randrange(130))
        status = rng.choice(statuses)
        return Proposal(
            organisation=rng.choice(organisations[country]),
            country_programme=programmes[country],
            created_by=creator,
            status=status,
            title=f"{rng.choice(words).title()} {rng.choice(words)} day {n}",
            description=" ".join(rng.choice(words) for _ in range(60)),
            format=rng.choice(formats),
            age_min=8,
            age_max=16,
            expected_participants=rng.randrange(10, 80),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            duration_minutes=150,
            city=rng.choice(["Luxembourg", "Esch-sur-Alzette", "Diekirch", "Wiltz", "Gent"]),
            requested_amount=Decimal(rng.randrange(100, 501)),
            submitted_at=None if status == "draft" else start - dt.timedelta(days=30),
        )

    made = Proposal.objects.bulk_create(
        [proposal("LU", n) for n in range(PROPOSALS)] + [proposal("BE", n) for n in range(NOISE)],
        batch_size=2000,
    )
    through = Proposal.focus_groups.through
    through.objects.bulk_create(
        (through(proposal_id=p.pk, focusgroup_id=rng.choice(groups).pk) for p in made),
        batch_size=5000,
    )
    reviewed = [p for p in made if p.status != "draft" and rng.random() < 0.7]
    reviews = Review.objects.bulk_create(
        (
            Review(proposal=p, reviewer=reviewer, conflict_of_interest=rng.random() < 0.03)
            for p in reviewed
            for reviewer in rng.sample(reviewers, 2)
        ),
        batch_size=5000,
    )
    ReviewScore.objects.bulk_create(
        (
            ReviewScore(review=review, criterion=criterion, score=rng.randrange(1, 6))
            for review in reviews
            if not review.conflict_of_interest
            for criterion in criteria
        ),
        batch_size=5000,
    )
    signals(rng)
    return manager


def signals(rng) -> None:
    """Integrity signals on one proposal in ten, half of them checked: what the queue's
    signal filter reads (computing them for real would flag every bench proposal, whose
    organisations all have the same contact name)."""
    from django.utils import timezone

    from events.models import Proposal
    from grants.models import IntegritySignal, SignalCheck

    ids = list(Proposal.objects.values_list("pk", flat=True)[::10])
    kind = IntegritySignal.Kind.SIMILAR_TEXT
    IntegritySignal.objects.bulk_create(
        IntegritySignal(proposal_id=pk, kind=kind, related=[], related_count=1, fingerprint="f")
        for pk in ids
    )
    SignalCheck.objects.bulk_create(
        SignalCheck(
            proposal_id=pk, kind=kind, fingerprint="f", note="fine", checked_at=timezone.now()
        )
        for pk in rng.sample(ids, len(ids) // 2)
    )


def main() -> int:
    url, drop = throwaway_database("queue_bench")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from bench.timing import report, time_page
        from events.models import Proposal
        from tests.factories import log_in_with_second_factor

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        manager = populate()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{Proposal.objects.count()} proposals built in "
            f"{time.perf_counter() - started:.0f} s ({connection.vendor}), {RUNS} runs per page"
        )
        client = log_in_with_second_factor(Client(), manager)
        queue = reverse("grants:dashboard")
        year = edition_year()
        pages = [
            ("queue default (ready to decide)", queue),
            ("queue, all, oldest first", f"{queue}?todo=all"),
            ("queue awaiting my review", f"{queue}?todo=review"),
            ("queue sorted by score", f"{queue}?sort=-score"),
            ("queue sorted by amount, page 100", f"{queue}?sort=-amount&page=100"),
            ("queue filtered (status, min score)", f"{queue}?status=submitted&min_score=3"),
            ("queue text search", f"{queue}?q=robots+python"),
            ("queue, unchecked signals", f"{queue}?todo=all&signals=open"),
            (
                "queue town, dates, focus group",
                f"{queue}?town=esch&date_from={year}-07-01&date_to={year}-09-30&focus_group=girls",
            ),
        ]
        rows = [(name, time_page(client, page, RUNS)) for name, page in pages]
        rows += proposal_pages(client, queue)
        ok = report(rows, BUDGET_MS)
        queries = {result["queries"] for _name, result in rows}
        print(f"queries per queue page: {sorted(queries)}")
        connection.close()
        return 0 if ok else 1
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            print(f"kept {url}")
        else:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
                pass
            drop()


if __name__ == "__main__":
    sys.exit(main())
