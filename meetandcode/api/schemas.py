"""What the API answers, as OpenAPI schemas (pydantic, through django-ninja)."""

from datetime import datetime

from ninja import Schema

from .paging import Page


class Problem(Schema):
    """An answer that is not the resource: why, in words."""

    detail: str


class FieldErrors(Schema):
    """A parameter that is not valid: its name and what is wrong with it."""

    errors: dict[str, list[str]]


class PublicEvent(Schema):
    """A funded event as the open feeds give it: public fields only."""

    id: int
    title: str
    description: str
    url: str
    organisation: str
    organisation_website: str
    country: str
    town: str
    venue: str
    address: str
    latitude: float | None
    longitude: float | None
    location_is_approximate: bool
    starts_at: datetime
    ends_at: datetime
    format: str
    format_label: str
    delivery: str
    age_min: int
    age_max: int
    languages: list[str]
    focus_groups: list[str]
    status: str
    updated_at: datetime


class EventPage(Page):
    """One page of events, soonest first, and where the others are."""

    results: list[PublicEvent]


class FigureRow(Schema):
    label: str
    code: str
    approved_events: int
    events_held: int
    participants: int
    girls_and_women: int
    refugees: int
    towns: int


class Figures(Schema):
    """The programme's public figures (the impact page's), in total, by country and edition."""

    edition: int | None
    total: FigureRow
    by_country: list[FigureRow]
    by_edition: list[FigureRow]
