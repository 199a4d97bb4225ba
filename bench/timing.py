"""Time pages through Django's test client: no network, the app's own work only.

Used by the benchmark scripts in this folder; each prints one line per page with the median and
95th percentile in milliseconds and the number of queries of one request.
"""

import re
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

WARMUP = 3


def signature(response) -> bytes:
    """What tells a page's own content: an HTML page's title, else its first bytes."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    title = re.search(rb"<title>(.*?)</title>", body, re.S)
    return title.group(1) if title else body[:64]


def check(response, url: str, expected: bytes | None = None) -> bytes:
    """A timed answer counts only as a 200 holding the page (an error page would look fast)."""
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    found = signature(response)
    assert expected is None or found == expected, f"{url} answered another page: {found[:80]!r}"
    return found


def time_page(client: Client, url: str, runs: int) -> dict:
    expected = None
    for _ in range(WARMUP):
        expected = check(client.get(url), url, expected)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        check(response, url, expected)
    with CaptureQueriesContext(connection) as queries:
        check(client.get(url), url, expected)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, round(len(timings) * 0.95) - 1)],
        "queries": len(queries),
    }


def report(rows: list[tuple[str, dict]], budget_ms: float) -> bool:
    """Print the table; True when every page's p95 is within the budget."""
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, result in rows:
        print(f"{name:<34} {result['median']:>10.1f} {result['p95']:>8.1f} {result['queries']:>8}")
    slow = [name for name, result in rows if result["p95"] > budget_ms]
    print(f"budget {budget_ms:.0f} ms (p95): " + ("all within" if not slow else f"over: {slow}"))
    return not slow
