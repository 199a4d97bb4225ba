"""The public side: the event map and list, event pages, the open feeds and the embeddable map."""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_safe

from meetandcode.kernel.page_cache import for_visitors
from meetandcode.kernel.replica import replica_reads

from . import feeds
from .feed_encoding import StoredFeed, accepts_gzip, encoding_key
from .geo import map_layers
from .models import Language, ReportFile, language_name
from .public import (
    MAP_DEFAULT,
    UPCOMING,
    UPCOMING_DEFAULT,
    PublicEventFilter,
    default_token,
    editions,
    feed_cache_key,
    filter_query,
    version,
    visible_events,
)

PER_PAGE = 20
FEED_MAX_AGE = 300  # seconds a browser or proxy may reuse a feed
FEED_TYPES = {
    "geojson": ("application/geo+json", "geojson"),
    "ics": ("text/calendar; charset=utf-8", "ics"),
    "rss": ("application/rss+xml; charset=utf-8", "rss"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
# What each feed holds without filters (docs/feeds.md): the map's editions for the map and for
# data reuse, upcoming events for calendar apps and EU Code Week's hourly RSS import.
FEED_DEFAULTS = {
    "geojson": MAP_DEFAULT,
    "ics": UPCOMING_DEFAULT,
    "rss": UPCOMING_DEFAULT,
    "csv": MAP_DEFAULT,
}


@require_GET
@for_visitors
@replica_reads
def event_list(request):
    # Built and queried only when the template's cached list and filters (keyed by the events'
    # version) are missing.
    filterset = SimpleLazyObject(lambda: PublicEventFilter(request.GET, queryset=visible_events()))
    page = SimpleLazyObject(
        lambda: Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    )
    query = filter_query(request.GET)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query,
        "when_toggle": _when_toggle(request.GET),
        "fragment_key": f"{_fragment_key(request)}:{default_token(editions())}",
        "map": map_layers(),
        "feeds": [
            (label, f"/events.{fmt}" + (f"?{query}" if query else ""))
            for label, fmt in (
                ("GeoJSON", "geojson"),
                ("iCalendar", "ics"),
                ("RSS", "rss"),
                ("CSV", "csv"),
            )
        ],
    }
    return render(request, "public/events.html", context)


def _when_toggle(data) -> tuple[bool, str]:
    """Whether only upcoming events are asked for, and the query of the other choice, one
    click away (the first page of the list)."""
    upcoming_only = data.get("when") == UPCOMING
    other = data.copy()
    other.pop("page", None)
    if upcoming_only:
        other.pop("when")
    else:
        other["when"] = UPCOMING
    return upcoming_only, filter_query(other)


def _fragment_key(request) -> str:
    """What a cached fragment of a public page depends on: the public events' version and the
    page's address with its query (the language is added by the template's cache tag)."""
    return f"{version()}:{request.get_full_path()}"


@require_GET
@for_visitors
@replica_reads
def event_detail(request, pk, slug):
    event = get_object_or_404(visible_events(), pk=pk)
    if slug != event.slug:
        return redirect("events:event", pk=event.pk, slug=event.slug, permanent=True)
    context = {
        "event": event,
        "place": feeds.place_line(event),
        "languages": SimpleLazyObject(lambda: _language_names(event.language_codes)),
        "absolute_url": feeds.event_url(event),
        "map": map_layers(),
        "site_url": feeds.site_url(),
        "photos": _public_photos(event),
        "fragment_key": _fragment_key(request),
    }
    return render(request, "public/event.html", context)


def _public_photos(event) -> list:
    """The photos the organisation marked public (with the consent declared), for the page."""
    return list(
        ReportFile.objects.filter(
            report__proposal_id=event.proposal_id,
            kind=ReportFile.Kind.PHOTO,
            public=True,
            consent=True,
        ).only("pk")
    )


def _language_names(codes: str) -> list[str]:
    wanted = [code for code in codes.split(",") if code]
    names = dict(Language.objects.filter(code__in=wanted).values_list("code", "name"))
    return [language_name(code, names.get(code, code)) for code in wanted]


@require_GET
@replica_reads
def event_calendar(request, pk, slug):
    event = get_object_or_404(visible_events(), pk=pk)
    body = feeds.ical([event], name=event.title)
    response = HttpResponse(body, content_type=FEED_TYPES["ics"][0])
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_safe  # GET and HEAD (a partner's link checker asks HEAD), as events.feed_cache answers
@replica_reads
def feed(request, fmt):
    """One feed, filtered like /events/, served from the cache until an event changes."""
    filterset = PublicEventFilter(
        request.GET, queryset=visible_events(), default=FEED_DEFAULTS[fmt]
    )
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse({"errors": filterset.form.errors}, status=400)
    changed_at = version()
    key = feed_cache_key(fmt, filterset.data, changed_at, editions())
    stored = cache.get(key)
    if stored is None:
        # One feed for everyone: its texts and event links in the default language, no prefix.
        with translation.override(settings.LANGUAGE_CODE):
            stored = StoredFeed.of(_build(fmt, filterset.qs))
        cache.set(key, stored, timeout=24 * 3600)
    gzipped = accepts_gzip(request)
    etag, body = stored.encoded(gzipped)
    last_modified = int(changed_at)
    cached_answer = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = cached_answer or HttpResponse(body, content_type=FEED_TYPES[fmt][0])
    if gzipped and not cached_answer:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response["Content-Language"] = settings.LANGUAGE_CODE  # whatever the reader's language
    # events.feed_cache keeps this answer in memory under it
    response.feed_cache_key = encoding_key(key, gzipped)
    return response


def _build(fmt: str, events) -> bytes:
    if fmt == "geojson":
        return feeds.geojson(events)
    events = list(events)
    if fmt == "ics":
        return feeds.ical(events, name=_("Meet and Code events"))
    if fmt == "rss":
        return feeds.rss(
            events, title=_("Meet and Code events"), link=feeds.site_url() + "/events/"
        )
    return feeds.csv_document(events)


@require_GET
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
@replica_reads
def embed_map(request):
    """A small map and list for a partner's website; the only page others may frame."""
    filterset = PublicEventFilter(request.GET, queryset=visible_events())
    query = filter_query(filterset.data)
    context = {
        "filterset": filterset,
        "events": filterset.qs[:PER_PAGE],
        "query": query,
        "when_toggle": _when_toggle(request.GET),
        "map": map_layers(),
        "site_url": feeds.site_url(),
    }
    return render(request, "public/embed_map.html", context)
