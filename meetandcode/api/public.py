"""The public read API: the funded events (the feeds' fields and filters, paged, with ETags) and
the programme's figures. No token needed; limited per address (api.urls)."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import get_conditional_response
from ninja import Field, Query, Router, Schema

from events import feeds
from events.models import Event
from events.public import (
    MAP_DEFAULT,
    PublicEventFilter,
    editions,
    feed_cache_key,
    version,
    visible_events,
)
from grants import impact
from programmes.models import Edition

from . import schemas
from .auth import optional_token_auth
from .paging import Paging, page_of

router = Router(tags=["Public: events and figures"])

CACHE_SECONDS = 300  # what a client or proxy may reuse, as for the feeds


class EventFilters(Schema):
    """The filters of the /events/ page and the feeds (docs/feeds.md), checked the same way."""

    country: str | None = Field(None, description="ISO 3166 code, e.g. LU")
    town: str | None = Field(None, description="part of the town's name, any case")
    format: str | None = Field(None, description="hackathon, workshop, robotics, ...")
    age: str | None = Field(None, description="8-12, 13-16 or 17-24")
    date_from: str | None = Field(None, description="YYYY-MM-DD: events ending on or after")
    date_to: str | None = Field(None, description="YYYY-MM-DD: events starting on or before")
    delivery: str | None = Field(None, description="in_person or online")
    language: str | None = Field(None, description="ISO 639-1 code, e.g. fr")
    focus: str | None = Field(None, description="a focus group's code, e.g. girls")
    q: str | None = Field(None, description="words in the title, description, organisation, town")
    bbox: str | None = Field(None, description="west,south,east,north in degrees")
    edition: str | None = Field(None, description="an edition's year, or all")
    when: str | None = Field(None, description="upcoming or all")


def event_fields(event: Event, url_parts: tuple[str, str], labels: dict[str, str]) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "description": event.description,
        "url": feeds.event_url_from(url_parts, event),
        "organisation": event.organisation_name,
        "organisation_website": event.organisation_website,
        "country": str(event.country),
        "town": event.city,
        "venue": event.venue_name,
        "address": event.address,
        "latitude": None if event.latitude is None else float(event.latitude),
        "longitude": None if event.longitude is None else float(event.longitude),
        "location_is_approximate": event.location_is_approximate,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "format": event.format,
        "format_label": labels.get(event.format, event.format),
        "delivery": event.delivery,
        "age_min": event.age_min,
        "age_max": event.age_max,
        "languages": [code for code in event.language_codes.split(",") if code],
        "focus_groups": [code for code in event.focus_group_codes.split(",") if code],
        "status": event.status,
        "updated_at": event.updated_at,
    }


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _public(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # open data, as the feeds
    return response


@router.get(
    "/events/",
    response={200: schemas.EventPage, 400: schemas.FieldErrors},
    summary="Funded events",
    auth=optional_token_auth,
)
def list_events(
    request: HttpRequest, filters: Query[EventFilters], paging: Query[Paging]
) -> HttpResponse:
    """The events the map shows, filtered as the feeds are, soonest first. Without filters: the
    map's editions, upcoming and held. Answers 304 to ``If-None-Match`` with the last ETag."""
    filterset = PublicEventFilter(request.GET, queryset=visible_events(), default=MAP_DEFAULT)
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse({"errors": filterset.form.errors}, status=400)
    key = feed_cache_key("api-v1", filterset.data, version(), editions())
    etag = _etag(key, paging.page, paging.page_size, request.get_host())
    if (unchanged := get_conditional_response(request, etag=etag)) is not None:
        return _public(unchanged, etag)
    events = filterset.qs.order_by(*feeds.FEED_ORDER)
    with translation.override(settings.LANGUAGE_CODE):
        url_parts, labels = feeds.event_url_maker_parts(), feeds.format_labels()
        page = page_of(request, events, paging, lambda e: event_fields(e, url_parts, labels))
    body = schemas.EventPage(**page)
    return _public(JsonResponse(body.model_dump(mode="json")), etag)


@router.get(
    "/events/{event_id}/",
    response={200: schemas.PublicEvent, 404: schemas.Problem},
    summary="One funded event",
    auth=optional_token_auth,
)
def get_event(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(visible_events(), pk=event_id)
    etag = _etag("event", event.pk, event.updated_at.isoformat(), request.get_host())
    if (unchanged := get_conditional_response(request, etag=etag)) is not None:
        return _public(unchanged, etag)
    with translation.override(settings.LANGUAGE_CODE):
        body = event_fields(event, feeds.event_url_maker_parts(), feeds.format_labels())
    return _public(JsonResponse(schemas.PublicEvent(**body).model_dump(mode="json")), etag)


@router.get(
    "/figures/",
    response=schemas.Figures,
    summary="The programme's figures",
    auth=optional_token_auth,
)
def get_figures(request: HttpRequest, edition: int | None = None) -> HttpResponse:
    """The impact page's figures: in total, by country and by edition; ``edition`` (a year)
    for one edition's."""
    chosen = get_object_or_404(Edition, year=edition) if edition else None
    with translation.override(settings.LANGUAGE_CODE):
        figures = impact.cached(chosen)
    rows = [figures.total, *figures.by_country, *figures.by_edition]
    etag = _etag("figures", edition, [repr(row) for row in rows])
    if (unchanged := get_conditional_response(request, etag=etag)) is not None:
        return _public(unchanged, etag)
    body = schemas.Figures(
        edition=edition,
        total=vars(figures.total),
        by_country=[vars(row) for row in figures.by_country],
        by_edition=[vars(row) for row in figures.by_edition],
    )
    return _public(JsonResponse(body.model_dump(mode="json")), etag)
