"""The programme's public figures, computed from the data with a few aggregate queries.

Every figure is one of grants/figures.py's (the partners' dashboard counts the same way). What
counts:

- an *approved event* is a proposal approved and not cancelled since (a cancelled grant, a
  rejected or withdrawn proposal never counts);
- an event *held* is an approved event whose report the national partner accepted;
- participants, girls and women, refugees and "only possible thanks to the grant" come from
  accepted reports only (submitted ones may still change);
- *towns reached* are the distinct towns (per country) of the approved events.

The figures are the same for everyone, so they are cached for ten minutes.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F
from django.utils.translation import get_language
from django_countries import countries

from events.models import Proposal
from programmes.models import Edition

from . import figures

CACHE_SECONDS = 10 * 60


@dataclass
class Figures:
    """One row of figures: a country, an edition or the total."""

    label: str = ""
    code: str = ""
    approved_events: int = 0
    events_held: int = 0
    participants: int = 0
    girls_and_women: int = 0
    refugees: int = 0
    towns: int = 0
    answered_only_possible: int = 0
    only_possible: int = 0

    @property
    def girls_share(self) -> int | None:
        """Per cent of the participants who are girls and women; None without participants."""
        return _percent(self.girls_and_women, self.participants)

    @property
    def only_possible_share(self) -> int | None:
        """Per cent of the reports answering the question that said 'only possible thanks to
        the grant'."""
        return _percent(self.only_possible, self.answered_only_possible)


@dataclass
class Impact:
    edition: Edition | None
    total: Figures
    by_country: list[Figures] = field(default_factory=list)
    by_edition: list[Figures] = field(default_factory=list)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _aggregates() -> dict:
    """The public figures as grants/figures.py (the programme's single source of numbers)
    defines and counts them, so the dashboard and this page always agree."""
    measures = figures.measures()
    return {
        "approved_events": measures["funded"],
        "events_held": measures["held"],
        "participants": measures["participants_total"],
        "girls_and_women": measures["gender_female"],
        "refugees": measures["refugees"],
        "towns": measures["towns"],
        "answered_only_possible": measures["answered_only_possible"],
        "only_possible": measures["only_possible"],
    }


def _approved(edition: Edition | None):
    queryset = Proposal.objects.filter(status=Proposal.Status.APPROVED)
    if edition is not None:
        queryset = queryset.filter(country_programme__edition=edition)
    return queryset


def compute(edition: Edition | None = None) -> Impact:
    """The figures of one edition (or of all of them), per country and in total: three queries."""
    approved = _approved(edition)
    total = Figures(**approved.aggregate(**_aggregates()))
    by_country = []
    rows = approved.values(code=F("country_programme__country")).annotate(**_aggregates())
    for row in rows.order_by():
        code = row.pop("code")
        by_country.append(Figures(label=str(countries.name(code)), code=code, **row))
    by_country.sort(key=lambda figures: figures.label)
    by_edition = []
    rows = approved.values(
        name=F("country_programme__edition__name"), year=F("country_programme__edition__year")
    ).annotate(**_aggregates())
    for row in rows.order_by("-year"):
        label, year = row.pop("name"), row.pop("year")
        by_edition.append(Figures(label=label, code=str(year), **row))
    return Impact(edition=edition, total=total, by_country=by_country, by_edition=by_edition)


def cache_key(edition: Edition | None = None) -> str:
    # Country names are translated: one entry per language.
    return f"impact:v1:{edition.pk if edition else 'all'}:{get_language()}"


def cached(edition: Edition | None = None) -> Impact:
    """``compute`` from the cache (ten minutes)."""
    return cache.get_or_set(cache_key(edition), lambda: compute(edition), timeout=CACHE_SECONDS)


def headline() -> Figures:
    """The totals of all editions, for the home page: one query, cached like the rest."""
    return cache.get_or_set(
        "impact:v1:headline",
        lambda: Figures(**_approved(None).aggregate(**_aggregates())),
        timeout=CACHE_SECONDS,
    )
