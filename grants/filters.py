"""The dashboard's filters (review queue, payments) and the queue's sort orders: all in the URL's
query string, so a view of a list can be bookmarked and shared."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from events.models import REVIEWABLE, TRANSITIONS, FocusGroup, Format, Proposal
from meetandcode.kernel.choices import read_choices_at_once
from meetandcode.kernel.widgets import DateInput
from organisations.permissions import visible_programmes
from programmes.models import Edition, current_of

from . import integrity
from .models import Grant, Review

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

# What the queue shows first (``todo``): the proposals waiting for the person's own review, those
# ready for a manager's decision, or everything.
TODO_REVIEW, TODO_DECIDE, TODO_ALL = "review", "decide", "all"
TODO_CHOICES = [
    (TODO_REVIEW, _("Awaiting my review")),
    (TODO_DECIDE, _("Ready to decide")),
    (TODO_ALL, _("All proposals")),
]
#: the states a manager can approve a proposal in (events.TRANSITIONS)
DECIDABLE: frozenset[str] = TRANSITIONS["approve"][0]


def _descending(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


#: "Average score (descending)" in the language of the request, not of the import: django-filter
#: formats its own descending labels once, when the filter set's class is built.
descending_label = lazy(_descending, str)


class QueueOrdering(django_filters.OrderingFilter):
    """Sorts with empty values (no score yet, no date) last, whichever the direction."""

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [(f"-{param}", descending_label(label)) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

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


def focus_groups_offered() -> tuple:
    """Every focus group with every column (its names in each language): what the queue's
    focus-group filter offers and accepts, for the keys of what is built from the filters
    (grants.queue_plan, grants.workbench). One small query."""
    return tuple(FocusGroup.objects.order_by("pk").values_list())


def visible_countries(user) -> list[str]:
    """The country codes of the programmes the person sees, for the country filter. One query."""
    programmes = visible_programmes(user).order_by("country")
    return list(programmes.values_list("country", flat=True).distinct())


def country_filter() -> django_filters.ChoiceFilter:
    """The country filter of a dashboard list; ``DashboardFilter`` fills in its choices."""
    return django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="country_programme__country",
        choices=[],
        empty_label=_("All my countries"),
    )


def date_filter(label, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    """A date picked in the browser's date field."""
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=DateInput(),
    )


class DashboardFilter(django_filters.FilterSet):
    """A filter set of the partner dashboard: a ``country`` filter offering the person's
    countries (pass ``country_codes`` when already known, to save the query) and Bootstrap's
    classes on every field."""

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
        read_choices_at_once(self.form)

    #: The text fields the ``q`` filter looks in (its ``method="search"``).
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        """Every word must stand in one of ``search_fields``."""
        for word in value.split():
            anywhere = Q()
            for field in self.search_fields:
                anywhere |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(anywhere)
        return queryset


ALL_EDITIONS = "all"


def reviews_of_row():
    """The reviews of the outer query's proposal, for ``Exists``."""
    return Review.objects.filter(proposal=OuterRef("pk"))


class QueueFilter(DashboardFilter):
    """The review queue's filters. The edition is the current one (``Edition.objects.current``)
    unless the query string names another, or all of them: last year's proposals stay readable
    without crowding this year's queue."""

    edition = django_filters.ChoiceFilter(
        label=_("Edition"), choices=[], empty_label=None, method="by_edition"
    )
    todo = django_filters.ChoiceFilter(
        label=_("Show"), choices=TODO_CHOICES, empty_label=None, method="by_todo"
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words in the title, the description or the organisation's name."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status")
    )
    country = country_filter()
    format = django_filters.ChoiceFilter(
        label=_("Format"), choices=Format.choices, empty_label=_("Any format")
    )
    town = django_filters.CharFilter(label=_("Town"), field_name="city", lookup_expr="icontains")
    date_from = date_filter(_("Event from"), "starts_at", "date__gte")
    date_to = date_filter(_("Event until"), "starts_at", "date__lte")
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
    signals = django_filters.ChoiceFilter(
        label=_("Integrity signals"),
        choices=[("open", _("With signals not checked yet")), ("any", _("With any signal"))],
        empty_label=_("Any"),
        method="by_signals",
    )
    sort = QueueOrdering(
        label=_("Sort by"),
        fields=[(field, param) for param, field in SORTS.items()],
        field_labels={field: SORT_LABELS[param] for param, field in SORTS.items()},
    )

    search_fields = ("title", "description", "organisation__name")
    #: Filters that make the database scan and compute for each proposal (words in long texts,
    #: an average score): the queue is then read in one pass (grants.queue_plan.listing).
    scanning_filters = ("q", "town", "min_score")

    class Meta:
        model = Proposal
        fields: list[str] = []

    def __init__(self, data=None, *args, editions: list[Edition] | None = None, **kwargs):
        """``editions``: every edition, when the caller has them already (saves a query)."""
        self.editions = list(Edition.objects.all()) if editions is None else editions
        self.current_edition = current_of(self.editions)
        if data is not None and not data.get("edition") and self.current_edition:
            data = data.copy()
            data["edition"] = str(self.current_edition.year)
        if data is not None and data.get("todo") == TODO_DECIDE and not data.get("sort"):
            data = data.copy()
            data["sort"] = "-score"  # the best first: decided while the budget lasts
        super().__init__(data, *args, **kwargs)
        # Set on the form's field: DashboardFilter has built the form already.
        self.form.fields["edition"].choices = [
            (ALL_EDITIONS, _("All editions")),
            *((str(edition.year), edition.name) for edition in self.editions),
        ]

    def by_edition(self, queryset, name, value):
        chosen = self.chosen_edition
        return queryset.filter(country_programme__edition=chosen) if chosen else queryset

    def by_signals(self, queryset, name, value):
        return queryset.filter(integrity.unchecked() if value == "open" else integrity.any_signal())

    def by_todo(self, queryset, name, value):
        if value == TODO_REVIEW:
            # not yet reviewed by the person (a declared conflict is a review of theirs too)
            return queryset.filter(status__in=REVIEWABLE).exclude(
                Exists(reviews_of_row().filter(reviewer=self.request.user))
            )
        if value == TODO_DECIDE:
            reviewed = reviews_of_row().filter(conflict_of_interest=False)
            return queryset.filter(status__in=DECIDABLE).filter(Exists(reviewed))
        return queryset

    @property
    def chosen_edition(self) -> Edition | None:
        """The edition the queue shows; None for all editions."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        year = data.get("edition")
        return next((e for e in self.editions if str(e.year) == year), None)

    @property
    def scans(self) -> bool:
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return any(data.get(name) not in (None, "") for name in self.scanning_filters)

    @property
    def sort_param(self) -> str:
        if self.is_bound and self.form.is_valid():
            chosen = self.form.cleaned_data.get("sort") or []
            if chosen:
                return chosen[0]
        return DEFAULT_SORT


# --- The payments view ------------------------------------------------------------------------

PAYMENT_STATUS_CHOICES = [
    ("unpaid", _("Not paid yet")),
    ("payable", _("Ready to be paid")),
    ("paid", _("Paid")),
]


class PaymentFilter(DashboardFilter):
    """The payments view's filters: search, country, edition, payment state and paid dates."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Grant or payment reference, event title or organisation."),
    )
    country = country_filter()
    edition = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        field_name="country_programme__edition",
        to_field_name="year",
        queryset=Edition.objects.all(),
        empty_label=_("All editions"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Payment"),
        choices=PAYMENT_STATUS_CHOICES,
        method="by_status",
        empty_label=_("Any"),
    )
    paid_from = date_filter(_("Paid from"), "paid_on", "gte")
    paid_to = date_filter(_("Paid until"), "paid_on", "lte")

    search_fields = (
        "reference",
        "payment_reference",
        "proposal__title",
        "proposal__organisation__name",
    )

    class Meta:
        model = Grant
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["edition"].label_from_instance = lambda edition: edition.name

    def by_status(self, queryset, name, value):
        if value == "paid":
            return queryset.filter(payment_status=Grant.PaymentStatus.PAID)
        unpaid = queryset.filter(payment_status=Grant.PaymentStatus.UNPAID)
        if value == "payable":
            return unpaid.filter(payable=True)
        return unpaid.filter(status=Grant.Status.ACTIVE)
