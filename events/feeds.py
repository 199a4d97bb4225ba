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
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    return site_url() + reverse("events:event", args=[event.pk, event.slug])


def event_url_maker_parts() -> tuple[str, str]:
    """An event page's address around "<id>-<slug>", reversed once for a whole feed."""
    pattern = site_url() + reverse("events:event", args=[1234567890, "the-slug"])
    head, tail = pattern.split("1234567890-the-slug")
    return head, tail


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


def _format_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Format.choices}


GEOJSON_FIELDS = (
    "pk", "slug", "title", "organisation_name", "country", "city", "venue_name", "latitude",
    "longitude", "starts_at", "ends_at", "format", "delivery", "age_min", "age_max",
    "language_codes", "location_is_approximate",
)  # fmt: skip


def geojson(events) -> bytes:
    """A FeatureCollection of a queryset of events, read as plain rows (no model instances)."""
    rows = events.values_list(*GEOJSON_FIELDS)
    url_head, url_tail = event_url_maker_parts()
    labels = _format_labels()
    features = []
    for (pk, slug, title, organisation, country, town, venue, lat, lon, starts, ends, fmt,
         delivery, age_min, age_max, languages, approximate) in rows:  # fmt: skip
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
            },
        })  # fmt: skip
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


# --- iCalendar (RFC 5545) ------------------------------------------------------------------------


def calendar_event(event: Event) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{urlsplit(site_url()).hostname}")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{event.organisation_name}")
    entry.add("location", place_line(event))
    entry.add("url", event_url(event))
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (float(event.latitude), float(event.longitude)))
    return entry


def ical(events, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Meet and Code Grants//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(calendar_event(event))
    return calendar.to_ical()


# --- RSS 2.0, with the elements EU Code Week imports ---------------------------------------------


def _rss_item(channel, event: Event, image: str) -> None:
    item = ET.SubElement(channel, "item")
    with translation.override("en"):
        country = event.country.name
    fields = {
        "title": event.title,
        "description": event.description,
        "link": event_url(event),
        "guid": event_url(event),
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
    for event in events:
        _rss_item(channel, event, image)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- CSV -----------------------------------------------------------------------------------------


def csv_row(event: Event) -> list:
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
        event_url(event),
    ]


def csv_document(events) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(event) for event in events)
    return out.getvalue().encode("utf-8")
