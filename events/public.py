"""What the public sees of the funded events, filtered the same way on every page and feed.

Only events of approved, non-cancelled grants exist as public ``Event`` rows with public fields;
nothing here ever reads a proposal. Feeds are cached under a version that changes whenever an
event is published, changed or cancelled (``events.signals``).

Without filters the map shows the map's editions (``map_editions``: the current edition, and the
one before it until the current one's events begin), upcoming events first, then held ones; so
it is never empty while there are events. iCalendar and RSS default to upcoming events instead.
"""

import hashlib
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from meetandcode.kernel import replica
from meetandcode.kernel.widgets import DateInput
from programmes.models import CountryProgramme, Edition, current_of

from .models import Delivery, Event, FocusGroup, Format, Language

AGE_BANDS = {"8-12": (8, 12), "13-16": (13, 16), "17-24": (17, 24)}
VERSION_KEY = "public-events:version"
# The editions, kept a few minutes (and dropped with every new version): the default editions
# change with the clock, so each request decides them afresh from this list, without a query.
EDITIONS_KEY = "public-events:editions"
EDITIONS_SECONDS = 300
ALL = "all"
UPCOMING = "upcoming"
# What a page or feed shows without an edition, a "when" or dates: the map's editions, held and
# upcoming (the map, the embedded map, GeoJSON, CSV), or the upcoming events of any edition
# (iCalendar for calendar apps, RSS for EU Code Week's hourly import).
MAP_DEFAULT = "map"
UPCOMING_DEFAULT = "upcoming"


def visible_events():
    return Event.objects.exclude(status=Event.Status.CANCELLED)


def version() -> float:
    """When the public events last changed (as far as this cache knows): part of every key."""
    return cache.get_or_set(VERSION_KEY, time.time, timeout=None)


def bump_version() -> None:
    replica.note_primary_position()
    cache.set(VERSION_KEY, time.time(), timeout=None)
    cache.delete(EDITIONS_KEY)  # a first event of a new edition: read the editions again


def editions() -> list[Edition]:
    """Every edition, newest first, from the cache (one query every few minutes)."""

    def fetch():
        return list(Edition.objects.order_by("-event_start", "-pk"))

    return cache.get_or_set(EDITIONS_KEY, fetch, timeout=EDITIONS_SECONDS)


def map_editions(all_editions: list[Edition], now=None) -> list[Edition]:
    """The editions the map shows by default: the current one and, until its events begin, the
    one before it (by the start of its events), so in winter the map shows last season's held
    events besides the new season's first approved ones."""
    current = current_of(all_editions, now)
    if current is None:
        return []
    if timezone.localdate(now or timezone.now()) >= current.event_start:
        return [current]
    earlier = [e for e in all_editions if e.event_start < current.event_start]
    previous = max(earlier, key=lambda e: (e.event_start, e.pk), default=None)
    return [current, previous] if previous else [current]


def default_token(all_editions: list[Edition], now=None) -> str:
    """What a page or feed without filters depends on besides the events: the map's editions
    and the day (upcoming events leave an upcoming-only feed by the next day at the latest)."""
    ids = ".".join(str(edition.pk) for edition in map_editions(all_editions, now))
    return f"{ids}@{timezone.localdate(now or timezone.now()).isoformat()}"


def filter_query(data) -> str:
    """The filters of ``data`` (a QueryDict) as a canonical query string: sorted, empty ones and
    other parameters left out. Two addresses that filter alike give the same string."""
    names = PublicEventFilter.base_filters
    pairs = sorted((name, value) for name in names for value in data.getlist(name))
    return urlencode([(name, value) for name, value in pairs if value])


def feed_cache_key(fmt: str, data, changed_at: float, all_editions: list[Edition]) -> str:
    """The cache key of one feed (events.feed_encoding.StoredFeed): the feed view and the fast path
    (events.feed_cache) both use it, and a new version makes every older key unreachable. The
    default editions and the day are in it, so a new day's default is never an old day's feed."""
    digest = hashlib.sha256(filter_query(data).encode()).hexdigest()[:32]
    return f"feed:{fmt}:{changed_at}:{default_token(all_editions)}:{digest}:stored"


def _code_in_list(field: str, code: str) -> Q:
    """``code`` is one of the comma-separated codes in ``field`` (e.g. 'de,fr')."""
    return (
        Q(**{field: code})
        | Q(**{f"{field}__startswith": f"{code},"})
        | Q(**{f"{field}__endswith": f",{code}"})
        | Q(**{f"{field}__contains": f",{code},"})
    )


def _programme_countries():
    codes = set(CountryProgramme.objects.values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def _edition_choices():
    newest_first = sorted(editions(), key=lambda edition: edition.year, reverse=True)
    return [*((str(e.year), e.name) for e in newest_first), (ALL, _("All editions"))]


def upcoming_q(now) -> Q:
    """Not held yet: not marked held, and not over."""
    return Q(ends_at__gte=now) & ~Q(status=Event.Status.HELD)


def in_map_order(queryset, now):
    """Upcoming events first, soonest first, then the held (or past) ones, latest first; each
    event says whether it is ``held``."""
    queryset = queryset.annotate(
        held=Case(When(upcoming_q(now), then=Value(False)), default=Value(True))
    )
    soonest = Case(When(held=False, then=F("starts_at")))
    return queryset.order_by("held", soonest.asc(), F("starts_at").desc(), "id")


class PublicEventForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")

    def clean_bbox(self):
        value = self.cleaned_data.get("bbox")
        if value:
            try:
                parse_bbox(value)
            except ValueError:
                raise forms.ValidationError(
                    _("Give the area as west,south,east,north in degrees, e.g. 5.7,49.4,6.5,50.2.")
                ) from None
        return value


class PublicEventFilter(django_filters.FilterSet):
    """The filters of /events/ and of every feed; all of them live in the URL."""

    class Meta:
        model = Event
        fields: list[str] = []
        form = PublicEventForm

    q = django_filters.CharFilter(label=_("Search"), method="search")
    country = django_filters.ChoiceFilter(label=_("Country"), choices=_programme_countries)
    town = django_filters.CharFilter(label=_("Town"), field_name="city", lookup_expr="icontains")
    format = django_filters.ChoiceFilter(label=_("Format"), choices=Format.choices)
    age = django_filters.ChoiceFilter(
        label=_("Age"),
        choices=[(band, _("%(band)s years") % {"band": band}) for band in AGE_BANDS],
        method="filter_age",
    )
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_to", widget=DateInput())
    delivery = django_filters.ChoiceFilter(label=_("In person or online"), choices=Delivery.choices)
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
    )
    focus = django_filters.ModelChoiceFilter(
        label=_("Especially for"),
        queryset=FocusGroup.objects.all(),
        to_field_name="code",
        method="filter_focus",
    )
    bbox = django_filters.CharFilter(
        label=_("Area (west,south,east,north)"), method="filter_bbox", widget=forms.HiddenInput
    )
    # Read by ``scope()`` with the page's or feed's default, not filtered one by one.
    edition = django_filters.ChoiceFilter(
        label=_("Edition"), choices=_edition_choices, empty_label=_("Latest"), method="in_scope"
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[(UPCOMING, _("Upcoming only")), (ALL, _("Upcoming and held"))],
        empty_label=_("Default"),
        method="in_scope",
    )

    def __init__(self, data=None, queryset=None, *, default=MAP_DEFAULT, now=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.default = default
        self.now = now or timezone.now()

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(organisation_name__icontains=word)
                | Q(city__icontains=word)
            )
        return queryset

    def filter_age(self, queryset, name, value):
        youngest, oldest = AGE_BANDS[value]
        return queryset.filter(age_min__lte=oldest, age_max__gte=youngest)

    def filter_from(self, queryset, name, value):
        return queryset.filter(ends_at__date__gte=value)

    def filter_to(self, queryset, name, value):
        return queryset.filter(starts_at__date__lte=value)

    def filter_language(self, queryset, name, value):
        return queryset.filter(_code_in_list("language_codes", value.code))

    def filter_focus(self, queryset, name, value):
        return queryset.filter(_code_in_list("focus_group_codes", value.code))

    def filter_bbox(self, queryset, name, value):
        west, south, east, north = parse_bbox(value)
        return queryset.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )

    def in_scope(self, queryset, name, value):
        return queryset

    def scope(self) -> tuple[list[int] | None, bool]:
        """The editions shown (their ids; None for all of them) and whether only upcoming
        events are. Given dates keep their old meaning: any edition, held or upcoming."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        dated = bool(data.get("date_from") or data.get("date_to"))
        return self._edition_ids(data.get("edition"), dated), self._upcoming(
            data.get("when"), dated
        )

    def _edition_ids(self, chosen: str | None, dated: bool) -> list[int] | None:
        if chosen == ALL or (not chosen and (dated or self.default == UPCOMING_DEFAULT)):
            return None
        if chosen:
            return [edition.pk for edition in editions() if str(edition.year) == chosen]
        return [edition.pk for edition in map_editions(editions(), self.now)]

    def _upcoming(self, when: str | None, dated: bool) -> bool:
        if when:
            return when == UPCOMING
        return not dated and self.default == UPCOMING_DEFAULT

    @property
    def qs(self):
        queryset = super().qs
        edition_ids, upcoming_only = self.scope()
        if edition_ids is not None:
            queryset = queryset.filter(edition_id__in=edition_ids)
        if upcoming_only:
            queryset = queryset.filter(upcoming_q(self.now))
        return in_map_order(queryset, self.now)


def parse_bbox(value: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """'west,south,east,north' in degrees (RFC 7946 order); ValueError when it is not that."""
    try:
        west, south, east, north = (Decimal(part) for part in value.split(","))
    except (InvalidOperation, ValueError) as error:
        raise ValueError("bbox must be west,south,east,north") from error
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError("bbox must be west,south,east,north")
    return west, south, east, north
