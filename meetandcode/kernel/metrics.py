"""What each web process counts for Prometheus: requests by view, method and status, and how
long they took (docs/operations.md, *Metrics*).

Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` is set (gunicorn.conf.py): each worker process writes
its counts to its own file there, and a scrape adds up every process's files, those of recycled
workers included, whichever process answers it. Without it (``make run``, tests) the counts live
in the process's default registry.
"""

import os
import time

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds: the targets of bench/results.md (200 ms public, 300 ms signed in) fall on a bound.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "meetandcode_http_requests",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "meetandcode_http_request_duration_seconds",
    "Seconds from a request's arrival at Django to its answer, by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def process_metrics() -> bytes:
    """The counts in Prometheus' text format: every process's, in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def view_label(request) -> str:
    """The URL pattern's name (``events:detail``), never the path: one series per page, however
    many ids and query strings people send."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # answered before URL resolving (a kept feed, a static file) or a 404
        return "unmatched"
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    """First in MIDDLEWARE, so the time counted is the whole of Django's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        return response
