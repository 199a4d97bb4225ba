from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django_countries.fields import Country

from events.public import version as public_events_version
from events.public import visible_events
from grants import impact
from grants.models import Edition

from . import health
from .page_cache import for_visitors

UPCOMING_SECONDS = 60  # an event that has just ended leaves the list within a minute


@for_visitors
def home(request: HttpRequest) -> HttpResponse:
    """The programme's front page: the current edition, how to apply, upcoming events and
    headline figures (both cached), where to start."""
    edition = Edition.objects.current()
    # Without an edition there are no events nor figures yet: no queries for them.
    context = {"edition": edition, "upcoming_events": [], "figures": None}
    if edition is not None:
        # Read only when the template's cached fragment (keyed by the version) is missing.
        context["upcoming_events"] = SimpleLazyObject(_upcoming_events)
        # The codes key the cached country lists (works on SQLite and PostgreSQL alike).
        codes = sorted(set(edition.country_programmes.values_list("country", flat=True)))
        context["countries"] = SimpleLazyObject(lambda: _countries(codes))
        context["country_codes"] = ",".join(codes)
        context["phase"] = _application_phase(edition)
        context["figures"] = SimpleLazyObject(impact.headline)  # all editions, ten minutes
        context["events_version"] = public_events_version()
    return render(request, "home.html", context)


def _countries(codes: list[str]) -> list[Country]:
    """The edition's countries by their name in the current language."""
    return sorted((Country(code=code) for code in codes), key=lambda country: country.name)


def _upcoming_events(count: int = 6) -> list:
    """The next public events, soonest first (public fields only). Cached for a minute, and
    afresh as soon as an event is published, changed or cancelled (the feeds' version)."""

    def fetch():
        events = visible_events().filter(ends_at__gte=timezone.now())
        return list(events.order_by("starts_at", "id")[:count])

    key = f"home:upcoming:{public_events_version()}"
    return cache.get_or_set(key, fetch, timeout=UPCOMING_SECONDS)


def _application_phase(edition: Edition) -> str:
    """Whether applications are upcoming, open or closed right now."""
    return edition.phase()


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
