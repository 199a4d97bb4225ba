"""CPU ms per request of each public page, as an anonymous visitor, through Django's test client.

    DATABASE_URL=... REDIS_URL=... python -m bench.public_cpu [--profile PAGE]

Production-like settings (DEBUG off); the median of 50 requests after a warm-up; with --profile,
the top functions (cProfile, cumulative) of 50 requests of one page; with --no-fragments,
the template fragments are not cached (a dummy cache), as before they were.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("TESTING", "0")
os.environ.setdefault("SECRET_KEY", "bench-public-cpu-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATIC_ROOT", "var/bench-load/static")  # collected by bench.load

import django  # noqa: E402

django.setup()

if "--no-fragments" in sys.argv:  # the pages as before their fragments were cached
    from django.conf import settings

    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {**settings.CACHES, "template_fragments": dummy}

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from events.public import visible_events  # noqa: E402

RUNS = 50


def pages() -> dict[str, list[str]]:
    events = list(visible_events().order_by("pk")[:RUNS])
    return {
        "map page": ["/events/"],  # its default view: the map's editions
        "home": ["/"],
        "impact": ["/impact/"],
        "event page": [reverse("events:event", args=[e.pk, e.slug]) for e in events],
    }


def _median_ms(client: Client, urls: list[str]) -> float:
    times = []
    for index in range(RUNS):
        start = time.process_time()
        response = client.get(urls[index % len(urls)], secure=True)
        times.append((time.process_time() - start) * 1000)
        assert response.status_code == 200, (urls, response.status_code)
    return statistics.median(times)


def cpu_ms(client: Client, urls: list[str]) -> tuple[float, float]:
    """(cold, warm): the first visit of each address after the cache is emptied, then again."""
    cache.clear()
    cold = _median_ms(client, urls)
    return cold, _median_ms(client, urls)


def main() -> None:
    client = Client()
    targets = pages()
    if "--profile" in sys.argv:
        name = sys.argv[sys.argv.index("--profile") + 1]
        urls = targets[name]
        cpu_ms(client, urls)
        profile = cProfile.Profile()
        profile.enable()
        for index in range(RUNS):
            client.get(urls[index % len(urls)], secure=True)
        profile.disable()
        pstats.Stats(profile).sort_stats(
            sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
        ).print_stats(70)
        return
    for name, urls in targets.items():
        cold, warm = cpu_ms(client, urls)
        print(f"{name:12} cold {cold:6.1f} ms, warm {warm:6.1f} ms CPU (median of {RUNS})")


if __name__ == "__main__":
    main()
