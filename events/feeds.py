"""The open feeds of the funded events: GeoJSON, iCalendar, RSS (as EU Code Week imports it), CSV.

Each builder takes public ``Event`` rows and the site's address and returns the document's bytes.
Only public fields are read; see docs/feeds.md for the formats.
"""

import csv
import io
import json
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import icalendar
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg.adapt import Loader

from meetandcode.kernel.spreadsheet import defuse

from .models import Delivery, Event, Format

ORGANISATION_TYPE = "Non-Profit Organisation"  # every grantee is a non-profit
ACTIVITY_TYPE = {Delivery.IN_PERSON: "offline and open", Delivery.ONLINE: "online and open"}
CSV_COLUMNS = [
    "id",
    "title",
    "description",
    "organisation",
    "organisation_website",
    "country",
    "town",
    "venue",
    "address",
    "latitude",
    "longitude",
    "location_is_approximate",
    "starts_at",
    "ends_at",
    "format",
    "in_person_or_online",
    "age_min",
    "age_max",
    "languages",
    "focus_groups",
    "url",
]


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def event_url(event: Event) -> str:
    return event_url_from(event_url_maker_parts(), event)


def event_url_maker_parts() -> tuple[str, str]:
    """An event page's address around "<id>-<slug>", reversed once for a whole feed."""
    pattern = site_url() + reverse("events:event", args=[1234567890, "the-slug"])
    head, tail = pattern.split("1234567890-the-slug")
    return head, tail


def event_url_from(parts: tuple[str, str], event: Event) -> str:
    """The event page's address from ``event_url_maker_parts()``, without reversing again."""
    head, tail = parts
    return f"{head}{event.pk}-{event.slug}{tail}"


_UTC = timezone.get_fixed_timezone(0)


def _iso(moment) -> str:
    """ISO 8601 in UTC, e.g. 2026-12-02T09:00:00Z (the database gives UTC already)."""
    if moment.utcoffset():
        moment = moment.astimezone(_UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _codes(value: str) -> list[str]:
    return [code for code in value.split(",") if code]


def place_line(event: Event) -> str:
    if event.delivery == Delivery.ONLINE:
        return _("Online")
    return ", ".join(part for part in (event.venue_name, event.address, event.city) if part)


# --- GeoJSON (RFC 7946) --------------------------------------------------------------------------


def format_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Format.choices}


GEOJSON_FIELDS = (
    "id", "slug", "title", "organisation_name", "country", "city", "venue_name", "latitude",
    "longitude", "starts_at", "ends_at", "format", "delivery", "age_min", "age_max",
    "language_codes", "location_is_approximate", "status",
)  # fmt: skip


FEED_ORDER = ("starts_at", "id")  # both builders list the events in this order


def geojson(events) -> bytes:
    """A FeatureCollection of a queryset of events: built by PostgreSQL where it can."""
    if connections[events.db].vendor == "postgresql":
        return geojson_in_sql(events)
    return geojson_in_python(events)


def geojson_in_python(events) -> bytes:
    """The FeatureCollection built from plain rows (no model instances): SQLite's way."""
    rows = events.order_by(*FEED_ORDER).values_list(*GEOJSON_FIELDS)
    url_head, url_tail = event_url_maker_parts()
    labels = format_labels()
    features = []
    for (pk, slug, title, organisation, country, town, venue, lat, lon, starts, ends, fmt,
         delivery, age_min, age_max, languages, approximate, status) in rows:  # fmt: skip
        features.append({
            "type": "Feature",
            "id": pk,
            "geometry": None if lat is None or lon is None else {
                "type": "Point", "coordinates": [float(lon), float(lat)],  # lon, lat
            },
            "properties": {
                "title": title,
                "url": f"{url_head}{pk}-{slug}{url_tail}",
                "organisation": organisation,
                "country": str(country),
                "town": town,
                "venue": venue,
                "starts_at": _iso(starts),
                "ends_at": _iso(ends),
                "format": fmt,
                "format_label": labels.get(fmt, fmt),
                "delivery": delivery,
                "age_min": age_min,
                "age_max": age_max,
                "languages": _codes(languages),
                "location_is_approximate": approximate,
                "status": status,
            },
        })  # fmt: skip
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


# The same document written by PostgreSQL in one query, so Python only passes the bytes on.
# Each feature is one concatenation (json_build_object costs about a third more at 10,000 rows);
# to_json() escapes the texts; the rest are codes, numbers or labels Python escaped. The rows
# come sorted from the inner query and string_agg keeps that order (sorting 5 MB of features
# inside the aggregate would spill to disk). tests/public/test_geojson_sql.py compares the two.
GEOJSON_SQL = """
SELECT '{"type":"FeatureCollection","features":[' || COALESCE(string_agg(
    '{"type":"Feature","id":' || e.id
    || ',"geometry":' || CASE WHEN e.latitude IS NULL OR e.longitude IS NULL THEN 'null'
        ELSE '{"type":"Point","coordinates":[' || e.longitude::float8 || ','
            || e.latitude::float8 || ']}' END
    || ',"properties":{"title":' || to_json(e.title)
    || ',"url":' || to_json(%s || e.id || '-' || e.slug || %s)
    || ',"organisation":' || to_json(e.organisation_name)
    || ',"country":"' || e.country
    || '","town":' || to_json(e.city)
    || ',"venue":' || to_json(e.venue_name)
    || ',"starts_at":"' || to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    || '","ends_at":"' || to_char(e.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    || '","format":"' || e.format
    || '","format_label":' || FORMAT_LABEL
    || ',"delivery":"' || e.delivery
    || '","age_min":' || e.age_min
    || ',"age_max":' || e.age_max
    || ',"languages":' || array_to_json(array_remove(string_to_array(e.language_codes, ','), ''))
    || ',"location_is_approximate":' || e.location_is_approximate
    || ',"status":"' || e.status
    || '"}}', ','), '') || ']}'
FROM (EVENTS) AS e
"""


def _sql_format_label() -> tuple[str, list[str]]:
    """A CASE giving each format's label as a JSON string, and its parameters."""
    labels = format_labels()
    sql = "CASE e.format " + "WHEN %s THEN %s " * len(labels) + "ELSE to_json(e.format)::text END"
    params = [text for code, label in labels.items() for text in (code, json.dumps(label))]
    return sql, params


class _Utf8Bytes(Loader):
    """Loads a text value as the UTF-8 bytes PostgreSQL sent (Django's connections use UTF-8)."""

    def load(self, data) -> bytes:
        return bytes(data)


def geojson_in_sql(events) -> bytes:
    """The FeatureCollection as PostgreSQL writes it around the queryset's own SQL."""
    inner = events.order_by(*FEED_ORDER).values(*GEOJSON_FIELDS).query
    try:
        events_sql, events_params = inner.get_compiler(using=events.db).as_sql()
    except EmptyResultSet:  # e.g. no edition to show: Django knows without asking
        return geojson_in_python(events)
    label_sql, label_params = _sql_format_label()
    sql = GEOJSON_SQL.replace("FORMAT_LABEL", label_sql).replace("EVENTS", events_sql)
    params = [*event_url_maker_parts(), *label_params, *events_params]
    with connections[events.db].cursor() as cursor:
        # The document's UTF-8 bytes as they arrive: no decoding to str and encoding back.
        cursor.cursor.adapters.register_loader("text", _Utf8Bytes)
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- iCalendar (RFC 5545) ------------------------------------------------------------------------


def calendar_event(event: Event, url_parts: tuple[str, str]) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{urlsplit(site_url()).hostname}")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{event.organisation_name}")
    entry.add("location", place_line(event))
    entry.add("url", event_url_from(url_parts, event))
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (float(event.latitude), float(event.longitude)))
    return entry


def ical(events, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Meet and Code Grants//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    url_parts = event_url_maker_parts()
    for event in events:
        calendar.add_component(calendar_event(event, url_parts))
    return calendar.to_ical()


# --- RSS 2.0, with the elements EU Code Week imports ---------------------------------------------


def _rss_item(channel, event: Event, image: str, url_parts: tuple[str, str]) -> None:
    item = ET.SubElement(channel, "item")
    with translation.override("en"):
        country = event.country.name
    url = event_url_from(url_parts, event)
    fields = {
        "title": event.title,
        "description": event.description,
        "link": url,
        "guid": url,
        "pubDate": format_datetime(event.published_at),
        "school_name": event.organisation_name,
        "organisation_type": ORGANISATION_TYPE,
        "activity_type": ACTIVITY_TYPE.get(event.delivery, "offline and open"),
        "country": str(country),
        "address": place_line(event),
        "organiser_website": event.organisation_website,
        "image_link": image,
        "start_date": _iso(event.starts_at),
        "end_date": _iso(event.ends_at),
        "lat": "" if event.latitude is None else str(event.latitude),
        "lon": "" if event.longitude is None else str(event.longitude),
    }
    for tag, text in fields.items():
        ET.SubElement(item, tag).text = text


def rss(events, title: str, link: str) -> bytes:
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = _("Free coding events for young people.")
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(timezone.now())
    image = site_url() + static("img/event-share.png")
    url_parts = event_url_maker_parts()
    for event in events:
        _rss_item(channel, event, image, url_parts)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- CSV -----------------------------------------------------------------------------------------


def csv_row(event: Event, url_parts: tuple[str, str]) -> list:
    """One event's cells, text that a spreadsheet would run as a formula defused (as in the
    partner exports)."""
    return [defuse(value) for value in _csv_values(event, url_parts)]


def _csv_values(event: Event, url_parts: tuple[str, str]) -> list:
    return [
        event.pk,
        event.title,
        event.description,
        event.organisation_name,
        event.organisation_website,
        event.country.code,
        event.city,
        event.venue_name,
        event.address,
        event.latitude,
        event.longitude,
        event.location_is_approximate,
        _iso(event.starts_at),
        _iso(event.ends_at),
        event.format,
        event.delivery,
        event.age_min,
        event.age_max,
        event.language_codes.replace(",", " "),
        event.focus_group_codes.replace(",", " "),
        event_url_from(url_parts, event),
    ]


def csv_document(events) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    url_parts = event_url_maker_parts()
    writer.writerows(csv_row(event, url_parts) for event in events)
    return out.getvalue().encode("utf-8")
