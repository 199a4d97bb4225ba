"""The programme figures dashboard with 100,000 proposals: a constant number of queries.

Builds its own throwaway database (dropped at the end; ``BENCH_KEEP=1`` keeps it), fills it
with 100,000 proposals over two editions and 13 countries (about a third approved, with grants,
most of those with a report, half of those accepted), then times the figures dashboard (as a
partner of two countries and as programme staff) and its CSV export through Django's test
client, and the public /impact/ figures (grants.impact.compute, uncached); prints the median,
the 95th percentile and the query count of each.

    TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mc python -m bench.figures

The throwaway database is DATABASE_URL's name plus ``_figures_bench``, or a temporary SQLite
file when DATABASE_URL is unset or SQLite.
"""

import os
import random
import sys
import time

from bench.databases import throwaway_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
os.environ.setdefault("TESTING", "1")

RUNS = int(os.environ.get("BENCH_RUNS", "10"))
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "100000"))
BUDGET_MS = 1000
COUNTRIES = ["AT", "BE", "CZ", "DE", "ES", "FR", "GR", "IT", "LU", "NL", "PL", "RO", "UA"]
SEED = 24  # a constant: the same data on every run


def edition_year() -> int:
    """The later of the benchmark's two editions: two years before today's, every date of it in
    the past (as the tests' default edition, tests/factories.py PAST_YEAR). Needs Django set up."""
    from django.utils import timezone

    return timezone.localdate().year - 2


def populate():
    """The editions, country programmes, proposals, grants and reports; returns the partner
    (of Luxembourg and Belgium) and a programme staff member."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from events.models import Proposal, Report
    from grants.models import Grant
    from organisations.models import LegalForm, Organisation, Partner, PartnerStaff, User
    from programmes.models import CountryProgramme, Edition

    rng = random.Random(SEED)
    latest = edition_year()
    tz = ZoneInfo("Europe/Luxembourg")
    editions = [
        Edition.objects.create(
            name=f"Meet and Code {year}",
            year=year,
            code=f"MC{year % 100}",
            applications_open=dt.date(year, 4, 15),
            application_deadline=dt.datetime(year, 9, 30, 23, 59, tzinfo=tz),
            event_start=dt.date(year, 6, 17),
            event_end=dt.date(year, 10, 31),
            max_grant=Decimal("500"),
        )
        for year in (latest - 1, latest)
    ]
    partners = {c: Partner.objects.create(name=f"Partner {c}", countries=[c]) for c in COUNTRIES}
    programmes = [
        CountryProgramme.objects.create(
            edition=edition,
            country=country,
            partner=partners[country],
            budget=Decimal("100000000"),
            reserved=Decimal("0"),
            max_grant=Decimal("500"),
            currency="PLN" if country == "PL" else "EUR",
            languages=["en"],
        )
        for edition in editions
        for country in COUNTRIES
    ]
    forms = {c: LegalForm.objects.create(country=c, name="Association") for c in COUNTRIES}
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Code Club {n}",
            country=COUNTRIES[n % len(COUNTRIES)],
            legal_form=forms[COUNTRIES[n % len(COUNTRIES)]],
            registration_number=f"R{n:06d}",
            street="1, rue",
            postcode="1000",
            city="Town",
            contact_name="Contact",
            contact_email=f"c{n}@bench.example.org",
        )
        for n in range(2000)
    )
    statuses = (
        ["approved"] * 6
        + ["submitted"] * 4
        + ["rejected"] * 5
        + [
            "draft",
            "withdrawn",
            "cancelled",
            "changes_requested",
        ]
    )
    towns = [f"Town {n}" for n in range(300)]

    def proposal(n):
        programme = programmes[n % len(programmes)]
        status = rng.choice(statuses)
        start = dt.datetime(programme.edition.year, 7, 1, 10, tzinfo=tz)
        return Proposal(
            organisation=rng.choice(organisations),
            country_programme=programme,
            status=status,
            title=f"Event {n}",
            description="Coding for beginners.",
            format="workshop",
            age_min=8,
            age_max=16,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            city=rng.choice(towns),
            requested_amount=Decimal(rng.randrange(100, 501)),
            submitted_at=None if status == "draft" else start - dt.timedelta(days=30),
        )

    made = Proposal.objects.bulk_create((proposal(n) for n in range(PROPOSALS)), batch_size=5000)
    sequences: dict[int, int] = {}
    now = dt.datetime(latest, 6, 1, tzinfo=tz)

    def grant(p):
        sequence = sequences[p.country_programme_id] = sequences.get(p.country_programme_id, 0) + 1
        programme = p.country_programme
        return Grant(
            proposal=p,
            country_programme=programme,
            sequence=sequence,
            reference=f"{programme.edition.code}-{programme.country}-{sequence:05d}",
            amount=p.requested_amount,
            currency=programme.currency,
            status="cancelled" if p.status == "cancelled" else "active",
            approved_at=now,
        )

    Grant.objects.bulk_create(
        (grant(p) for p in made if p.status in ("approved", "cancelled")), batch_size=5000
    )

    def report(p):
        total = rng.randrange(10, 60)
        young = rng.randrange(0, total + 1)
        girls = rng.randrange(0, total + 1)
        return Report(
            proposal=p,
            status=rng.choice([Report.Status.ACCEPTED, Report.Status.SUBMITTED]),
            participants_total=total,
            age_8_12=young,
            age_13_16=total - young,
            gender_female=girls,
            gender_male=total - girls,
            refugees=rng.randrange(0, 5),
            first_contact_with_coding=rng.randrange(0, total + 1),
            only_possible_thanks_to_grant=rng.random() < 0.7,
        )

    Report.objects.bulk_create(
        (report(p) for p in made if p.status == "approved" and rng.random() < 0.8),
        batch_size=5000,
    )
    partner = User.objects.create_user("partner@bench.example.org")
    for country in ("LU", "BE"):
        PartnerStaff.objects.create(user=partner, partner=partners[country], role="manager")
    staff = User.objects.create_user("staff@bench.example.org", is_programme_staff=True)
    return partner, staff


def time_impact(runs: int) -> dict:
    """grants.impact.compute() itself (the page caches it for ten minutes)."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grants import impact

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        impact.compute()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        impact.compute()
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, round(len(timings) * 0.95) - 1)],
        "queries": len(queries),
    }


def main() -> int:
    url, drop = throwaway_database("figures_bench")
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
        partner, staff = populate()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{Proposal.objects.count()} proposals built in "
            f"{time.perf_counter() - started:.0f} s ({connection.vendor}), {RUNS} runs per page"
        )
        as_partner = log_in_with_second_factor(Client(), partner)
        as_staff = log_in_with_second_factor(Client(), staff)
        figures = reverse("grants:figures")
        pages = [
            ("figures, partner (LU+BE)", as_partner, figures),
            ("figures, programme staff (all)", as_staff, figures),
            ("figures, staff, one edition", as_staff, f"{figures}?edition={edition_year()}"),
            ("figures CSV, staff", as_staff, reverse("grants:figures_csv")),
        ]
        rows = [(name, time_page(client, page, RUNS)) for name, client, page in pages]
        rows.append(("public /impact/ figures, uncached", time_impact(RUNS)))
        ok = report(rows, BUDGET_MS)
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
