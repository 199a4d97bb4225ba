from typing import NamedTuple

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django_countries.fields import Country
from prometheus_client import CONTENT_TYPE_LATEST

from events.public import editions as public_editions
from events.public import map_editions, upcoming_q, visible_events
from events.public import version as public_events_version
from grants import impact
from meetandcode.kernel.page_cache import for_visitors
from meetandcode.kernel.replica import replica_reads
from programmes.models import current_of

from . import health, metrics

UPCOMING_SECONDS = 60  # an event that has just ended leaves the list within a minute


class HomeEvents(NamedTuple):
    held: bool  # no event is upcoming: these are the latest held ones
    events: list


@for_visitors
@replica_reads
def home(request: HttpRequest) -> HttpResponse:
    """The programme's front page: the current edition, how to apply, upcoming (else recently
    held) events and headline figures (both cached), where to start."""
    editions = public_editions()  # kept in the cache, as the map and the feeds read them
    edition = current_of(editions)
    # Without an edition there are no events nor figures yet: no queries for them.
    context = {"edition": edition, "home_events": HomeEvents(False, []), "figures": None}
    if edition is not None:
        # Read only when the template's cached fragment (keyed by the version) is missing.
        shown = [e.pk for e in map_editions(editions)]
        context["home_events"] = SimpleLazyObject(lambda: _upcoming_events(shown))
        # The codes key the cached country lists (works on SQLite and PostgreSQL alike).
        codes = sorted(set(edition.country_programmes.values_list("country", flat=True)))
        context["countries"] = SimpleLazyObject(lambda: _countries(codes))
        context["country_codes"] = ",".join(codes)
        context["phase"] = edition.phase()
        context["figures"] = SimpleLazyObject(impact.headline)  # all editions, ten minutes
        # keys the cached fragment: the events' version and the map's editions
        context["events_version"] = f"{public_events_version()}:{'.'.join(map(str, shown))}"
    return render(request, "home.html", context)


def _countries(codes: list[str]) -> list[Country]:
    """The edition's countries by their name in the current language."""
    return sorted((Country(code=code) for code in codes), key=lambda country: country.name)


def _upcoming_events(edition_ids: list[int], count: int = 6) -> HomeEvents:
    """The next public events, soonest first (public fields only); when none is upcoming, the
    latest held events of the map's editions (``edition_ids``), so the box is never empty while
    there are events. Cached for a minute, and afresh as soon as an event is published, changed
    or cancelled (the feeds' version) or the map's editions change."""

    def fetch():
        now = timezone.now()
        upcoming = visible_events().filter(upcoming_q(now)).order_by("starts_at", "id")
        if events := list(upcoming[:count]):
            return HomeEvents(False, events)
        held = visible_events().filter(edition_id__in=edition_ids).exclude(upcoming_q(now))
        return HomeEvents(True, list(held.order_by("-starts_at", "-id")[:count]))

    ids = ".".join(map(str, edition_ids))
    key = f"home:events:{public_events_version()}:{ids}"
    return cache.get_or_set(key, fetch, timeout=UPCOMING_SECONDS)


@never_cache
def healthz(request):
    """The state of each part; 200 when all answer, 503 naming the ones that do not. With
    Redis, also the work waiting: tasks in the Celery queue and notifications in the outbox."""
    checks = health.run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    waiting = health.queues(checks)
    if waiting is not None:  # tasks go through Redis: how many wait there and in the outbox
        body["queues"] = waiting
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
def metrics_view(request):
    """Prometheus' text format, for a scraper with the token or from an allowed network."""
    if not metrics.configured():
        raise Http404
    if not metrics.allowed(request):
        return HttpResponse(
            "Forbidden: a METRICS_TOKEN bearer token or an allowed network.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
