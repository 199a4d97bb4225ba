"""What the public sees of the funded events, filtered the same way on every page and feed.

Only events of approved, non-cancelled grants exist as public ``Event`` rows with public fields;
nothing here ever reads a proposal. Feeds are cached under a version that changes whenever an
event is published, changed or cancelled (``events.signals``).
"""

import hashlib
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Delivery, Event, FocusGroup, Format, Language

AGE_BANDS = {"8-12": (8, 12), "13-16": (13, 16), "17-24": (17, 24)}
VERSION_KEY = "public-events:version"


def visible_events():
    return Event.objects.exclude(status=Event.Status.CANCELLED)


def version() -> float:
    """When the public events last changed (as far as this cache knows): part of every key."""
    return cache.get_or_set(VERSION_KEY, time.time, timeout=None)


def bump_version() -> None:
    cache.set(VERSION_KEY, time.time(), timeout=None)


def filter_query(data) -> str:
    """The filters of ``data`` (a QueryDict) as a canonical query string: sorted, empty ones and
    other parameters left out. Two addresses that filter alike give the same string."""
    names = PublicEventFilter.base_filters
    pairs = sorted((name, value) for name in names for value in data.getlist(name))
    return urlencode([(name, value) for name, value in pairs if value])


def feed_cache_key(fmt: str, data, changed_at: float) -> str:
    """The cache key of one feed (events.feed_encoding.StoredFeed): the feed view and the fast path
    (events.feed_cache) both use it, and a new version makes every older key unreachable."""
    digest = hashlib.sha256(filter_query(data).encode()).hexdigest()[:32]
    return f"feed:{fmt}:{changed_at}:{digest}:stored"


def _code_in_list(field: str, code: str) -> Q:
    """``code`` is one of the comma-separated codes in ``field`` (e.g. 'de,fr')."""
    return (
        Q(**{field: code})
        | Q(**{f"{field}__startswith": f"{code},"})
        | Q(**{f"{field}__endswith": f",{code}"})
        | Q(**{f"{field}__contains": f",{code},"})
    )


def _programme_countries():
    from grants.models import CountryProgramme

    codes = set(CountryProgramme.objects.values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


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
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )
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

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if not data.get("date_from") and not data.get("date_to"):
            queryset = queryset.filter(ends_at__gte=timezone.now())  # upcoming by default
        return queryset.order_by("starts_at", "id")


def parse_bbox(value: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """'west,south,east,north' in degrees (RFC 7946 order); ValueError when it is not that."""
    try:
        west, south, east, north = (Decimal(part) for part in value.split(","))
    except (InvalidOperation, ValueError) as error:
        raise ValueError("bbox must be west,south,east,north") from error
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError("bbox must be west,south,east,north")
    return west, south, east, north
