"""``/metrics`` for Prometheus: the web processes' request counts (meetandcode.kernel.metrics)
and the programme's figures, read at each scrape from the shared database and Redis, so every
host answers the same whichever one is asked (docs/operations.md, *Metrics*).

Only for a scraper that shows ``METRICS_TOKEN`` as a bearer token, or that connects from one of
``METRICS_ALLOWED_NETWORKS``; with neither set, the address does not exist (404).
"""

import hmac
import ipaddress

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from grants.models import AwardLetter
from meetandcode import health
from meetandcode.kernel.metrics import process_metrics
from programmes.models import CountryProgramme, Edition


def configured() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOWED_NETWORKS)


def _bearer(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _client_address(request):
    try:  # the client's address behind TRUSTED_PROXY_COUNT proxies, as the rate limits find it
        return ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        return None


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(_bearer(request).encode(), token.encode()):
        return True
    address = _client_address(request) if settings.METRICS_ALLOWED_NETWORKS else None
    return address is not None and any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


class ProgrammeFigures(Collector):
    """Figures every process reads alike: from PostgreSQL and Redis, not from memory. A figure
    that cannot be read now is left out, and ``meetandcode_figure_up`` says which."""

    def collect(self):
        up = GaugeMetricFamily(
            "meetandcode_figure_up",
            "1 when the figure could be read at this scrape.",
            labels=["figure"],
        )
        for name, read in (
            ("outbox", self._outbox),
            ("task_queue", self._task_queue),
            ("letters", self._letters),
            ("budgets", self._budgets),
        ):
            try:
                families = list(read())
            except Exception:  # a part that does not answer must not break the whole scrape
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up

    def _outbox(self):
        backlog = health.notification_backlog()
        yield GaugeMetricFamily(
            "meetandcode_outbox_waiting",
            "Notifications not sent yet (pending or being sent).",
            value=backlog["waiting"],
        )
        yield GaugeMetricFamily(
            "meetandcode_outbox_oldest_waiting_seconds",
            "Age of the oldest notification not sent yet (0 when none waits).",
            value=backlog["oldest_waiting_seconds"],
        )
        yield GaugeMetricFamily(
            "meetandcode_outbox_failed",
            "Notifications that failed for good and wait for staff (admin: send again).",
            value=backlog["failed"],
        )

    def _task_queue(self):
        if health.tasks_in_process():
            return
        yield GaugeMetricFamily(
            "meetandcode_celery_queue_length",
            "Tasks waiting in the Celery queue in Redis.",
            value=health.task_queue_length(),
        )

    def _letters(self):
        yield CounterMetricFamily(
            "meetandcode_letters_built",
            "Award letters built (every version), by all workers.",
            value=AwardLetter.objects.count(),
        )

    def _budgets(self):
        edition = Edition.objects.current()
        labels = ["edition", "country", "currency"]
        budget = GaugeMetricFamily(
            "meetandcode_budget", "A country's budget in the current edition.", labels=labels
        )
        reserved = GaugeMetricFamily(
            "meetandcode_budget_reserved",
            "Reserved by approved, not cancelled grants in the current edition.",
            labels=labels,
        )
        programmes = CountryProgramme.objects.filter(edition=edition).order_by("country")
        for programme in programmes if edition else ():
            values = [edition.code, programme.country.code, programme.currency]
            budget.add_metric(values, float(programme.budget))
            reserved.add_metric(values, float(programme.reserved))
        yield budget
        yield reserved


def exposition() -> bytes:
    figures = CollectorRegistry(auto_describe=False)
    figures.register(ProgrammeFigures())
    return process_metrics() + generate_latest(figures)
