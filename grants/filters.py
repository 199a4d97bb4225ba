"""The review queue's filters and sort orders: all in the URL's query string, so a view of the
queue can be bookmarked and shared."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from events.models import FocusGroup, Format, Proposal

from .access import visible_programmes

STATUS_CHOICES = [(value, label) for value, label in Proposal.Status.choices if value != "draft"]

# Sort parameter -> the queue's field. Ties are broken by the proposal's id.
SORTS = {
    "submitted": "submitted_at",
    "event": "starts_at",
    "score": "avg_score",
    "title": "title",
    "amount": "requested_amount",
}
SORT_LABELS = {
    "submitted": _("Submitted"),
    "event": _("Event date"),
    "score": _("Average score"),
    "title": _("Title"),
    "amount": _("Requested amount"),
}
DEFAULT_SORT = "submitted"  # oldest submissions first: the ones waiting longest


class QueueOrdering(django_filters.OrderingFilter):
    """Sorts with empty values (no score yet, no date) last, whichever the direction."""

    def filter(self, qs, value):
        params = [param for param in (value or []) if param.lstrip("-") in SORTS]
        if not params:
            params = [DEFAULT_SORT]
        ordering = []
        for param in params:
            field = F(SORTS[param.lstrip("-")])
            if param.startswith("-"):
                ordering.append(field.desc(nulls_last=True))
            else:
                ordering.append(field.asc(nulls_last=True))
        return qs.order_by(*ordering, "pk")


def visible_countries(user) -> list[str]:
    """The country codes of the programmes the person sees, for the country filter. One query."""
    programmes = visible_programmes(user).order_by("country")
    return list(programmes.values_list("country", flat=True).distinct())


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words in the title, the description or the organisation's name."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="country_programme__country",
        choices=[],
        empty_label=_("All my countries"),
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"), choices=Format.choices, empty_label=_("Any format")
    )
    town = django_filters.CharFilter(label=_("Town"), field_name="city", lookup_expr="icontains")
    date_from = django_filters.DateFilter(
        label=_("Event from"),
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Event until"),
        field_name="starts_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_score = django_filters.NumberFilter(
        label=_("Average score at least"),
        field_name="avg_score",
        lookup_expr="gte",
        min_value=1,
        max_value=5,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "1", "max": "5"}),
    )
    focus_group = django_filters.ModelChoiceFilter(
        label=_("Focus group"),
        field_name="focus_groups",
        to_field_name="code",
        queryset=FocusGroup.objects.all(),
        empty_label=_("Any focus group"),
    )
    sort = QueueOrdering(
        label=_("Sort by"),
        fields=[(field, param) for param, field in SORTS.items()],
        field_labels={field: SORT_LABELS[param] for param, field in SORTS.items()},
    )

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(
        self, data=None, queryset=None, *, request=None, user=None, country_codes=None, **kwargs
    ):
        super().__init__(data, queryset, request=request, **kwargs)
        if country_codes is None:
            country_codes = visible_countries(user or getattr(request, "user", None))
        self.filters["country"].extra["choices"] = [
            (code, all_countries.name(code) or code) for code in country_codes
        ]
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(organisation__name__icontains=word)
            )
        return queryset

    @property
    def sort_param(self) -> str:
        if self.is_bound and self.form.is_valid():
            chosen = self.form.cleaned_data.get("sort") or []
            if chosen:
                return chosen[0]
        return DEFAULT_SORT
