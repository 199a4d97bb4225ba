"""Where a signed-in page's time goes: CPU per request and a profile by library (issue 19).

The load test's signed-in pages (bench/load.py's ``signed_in_pages``) on one of its databases,
in this process, with the settings gunicorn has there (DEBUG off, Redis cache, hashed static
files): the bare Django page (bench/bare_settings.py), the floor, the queue, the proposal page,
the dashboard and the proposal form. For each page it

1. measures the CPU time a request (``time.process_time``, the median of RUNS after a warm-up),
   every answer checked to be a 200 holding the page's own words;
2. profiles RUNS more requests with cProfile and sums each function's own time by where the
   function lives: the ORM, the driver, templates, forms, crispy-forms, django-filter, allauth,
   sessions, middleware, our code, ... The shares add up to the page (cProfile about doubles
   the times: compare shares, not milliseconds);
3. lists the heaviest functions of our own code by their cumulated time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/meetandcode_bench \
        REDIS_URL=redis://127.0.0.1:6379/3 python -m bench.profile 10000 [--page queue] [--runs 30]

The database is the load test's (``make bench`` builds it; ``meetandcode_bench10k`` here).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from bench import load

RUNS = 30
WARMUP = 5

# Where a function lives (a part of its file's path) -> the name it is counted under; first match.
PLACES = [
    ("/django/test/", "Django's test client (not in production)"),
    ("/psycopg", "database driver (psycopg)"),
    ("/django/db/models/sql/", "ORM: building SQL"),
    ("/django/db/", "ORM: the rest (querysets, making objects)"),
    ("/crispy_forms/", "crispy-forms"),
    ("/crispy_bootstrap5/", "crispy-forms"),
    ("/django_filters/", "django-filter"),
    ("/django/forms/", "Django forms and widgets"),
    ("/django/template/", "templates"),
    ("/django/templatetags/", "templates"),
    ("/allauth/", "allauth"),
    ("/django/contrib/sessions/", "sessions"),
    ("/django/contrib/auth/", "users and auth"),
    ("/django/contrib/messages/", "messages"),
    ("/django/utils/translation/", "translations"),
    ("/gettext.py", "translations"),
    ("/django/urls/", "URL resolving and reversing"),
    ("/django/core/cache/", "cache (Redis)"),
    ("/redis/", "cache (Redis)"),
    ("/django/core/handlers/", "request handling and middleware"),
    ("/django/middleware/", "request handling and middleware"),
    ("/django/http/", "request handling and middleware"),
    ("/whitenoise/", "request handling and middleware"),
    ("/django_htmx/", "request handling and middleware"),
    ("/django/utils/", "Django's utilities (escaping, dates, lazy objects)"),
    ("/django/", "Django, other"),
    ("/site-packages/", "other libraries"),
]


def place(filename: str) -> str:
    for part, name in PLACES:
        if part in filename:
            return name
    if filename.startswith(str(load.BASE_DIR)) and "/.venv/" not in filename:
        return "our code"
    return "Python itself (builtins, standard library)"


def request(client, url: str, words: str) -> None:
    response = client.get(url, secure=True)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert words in response.content.decode(), f"{url}: {words!r} is not on the page"


def cpu_per_request(client, url: str, words: str, runs: int) -> float:
    for _ in range(WARMUP):
        request(client, url, words)
    timings = []
    for _ in range(runs):
        started = time.process_time()
        request(client, url, words)
        timings.append(time.process_time() - started)
    return statistics.median(timings) * 1000


def profile(client, url: str, words: str, runs: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        request(client, url, words)
    profiler.disable()
    return pstats.Stats(profiler)


def by_place(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        totals[place(filename)] = totals.get(place(filename), 0.0) + own
    return sorted(totals.items(), key=lambda item: -item[1])


def ours(stats: pstats.Stats, count: int = 40) -> list[tuple[str, float]]:
    rows = []
    for (filename, line, name), (_cc, _nc, _own, cumulated, _callers) in stats.stats.items():
        if place(filename) == "our code":
            where = Path(filename).relative_to(load.BASE_DIR)
            rows.append((f"{where}:{line} {name}", cumulated))
    return sorted(rows, key=lambda item: -item[1])[:count]


def show(name: str, cpu_ms: float, floor_ms: float | None, stats: pstats.Stats, runs: int) -> None:
    ratio = f", {cpu_ms / floor_ms:.1f} x the floor" if floor_ms else ""
    print(f"\n## {name}: {cpu_ms:.1f} ms CPU a request{ratio}\n")
    places = by_place(stats)
    total = sum(seconds for _name, seconds in places) or 1
    for where, seconds in places:
        if seconds / total >= 0.01:
            print(f"  {seconds / total:5.0%}  {where}")
    print("\n  our code, by cumulated time a request (profiled):")
    for function, seconds in ours(stats):
        print(f"  {seconds * 1000 / runs:7.2f} ms  {function}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, nargs="?", default=10_000)
    parser.add_argument("--page", action="append", help="only these pages (names as printed)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--top", type=int, default=0, help="and the N heaviest functions")
    args = parser.parse_args()
    # The databases and Redis of `make bench` unless told otherwise.
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/meetandcode_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    os.environ.update(load.server_env(args.size))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
    if not (load.STATIC_ROOT / "staticfiles.json").exists():
        load.collectstatic()
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    import bench.bare_settings as bare

    signed_in = load.signed_in_pages()
    people = signed_in["people"]
    cookies = {
        "partner": load.session_cookie(people["partner"][0], second_factor=True),
        "applicant": load.session_cookie(people["applicant"][0], second_factor=False),
    }
    floor_ms = None
    for name, page in signed_in["pages"].items():
        if args.page and name not in args.page and name != load.FLOOR:
            continue
        client = Client()
        client.cookies.load(cookies[page["who"]])
        url, words = page["urls"][0], page["words"]
        if name == load.BARE:
            with override_settings(MIDDLEWARE=bare.MIDDLEWARE, ROOT_URLCONF=bare.ROOT_URLCONF):
                cpu_ms = cpu_per_request(client, url, words, args.runs)
                stats = profile(client, url, words, args.runs)
        else:
            cpu_ms = cpu_per_request(client, url, words, args.runs)
            stats = profile(client, url, words, args.runs)
        show(name, cpu_ms, floor_ms if name != load.FLOOR else None, stats, args.runs)
        if args.top:
            stats.sort_stats("cumulative").print_stats(args.top)
        if name == load.FLOOR:
            floor_ms = cpu_ms
    return 0


if __name__ == "__main__":
    sys.exit(main())
