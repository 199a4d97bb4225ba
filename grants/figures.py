"""The programme's figures: the single source of every number the dashboard, its exports and the
public /impact/ page show.

Definitions (one place, used by all):

- an *application* is a proposal handed in: not a draft, and not a draft withdrawn before it was
  ever submitted;
- an *approval* is a proposal approved, whether or not its grant was cancelled later;
- a *rejection* is a proposal rejected;
- a *funded event* is a proposal approved and not cancelled since;
- a *reported event* is a funded event whose report was handed in (submitted, sent back for
  changes, or accepted);
- an event *held* is a funded event whose report the national partner accepted;
- participants (by age band and gender), focus groups, first contact with coding and
  "only possible thanks to the grant" come from accepted reports of funded events only;
- *towns* are the distinct towns (per country) of the funded events;
- *budget used* is the sum of the funded events' grants; the *average grant* is that sum over
  the funded events.

Everything is counted by the database (conditional aggregates, GROUP BY country programme): one
query, whatever the number of proposals. Totals of an edition add up its countries' rows (towns
too: a town is counted per country, and a country has one programme per edition).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from events.models import Answer, Proposal, Report
from programmes.models import Question

S = Proposal.Status
R = Report.Status

AGE_BANDS = [
    ("age_under_8", _("Under 8")),
    ("age_8_12", _("8 to 12")),
    ("age_13_16", _("13 to 16")),
    ("age_17_24", _("17 to 24")),
    ("age_over_24", _("Over 24")),
]
GENDERS = [
    ("gender_female", _("Girls and women")),
    ("gender_male", _("Boys and men")),
    ("gender_other", _("Another or not stated")),
]
FOCUS_GROUPS = [
    ("refugees", _("Refugees")),
    ("migration_background", _("Migration background")),
    ("disability", _("With a disability")),
    ("low_income", _("Low-income household")),
    ("no_own_device", _("No own IT device")),
    ("deprived_area", _("Socially deprived area")),
]
REPORT_SUMS = [
    "participants_total",
    *(name for name, _label in AGE_BANDS + GENDERS + FOCUS_GROUPS),
    "first_contact_with_coding",
]
COUNTS = [
    "applications",
    "approvals",
    "rejections",
    "funded",
    "reported",
    "held",
    "towns",
    "answered_only_possible",
    "only_possible",
]
MONEY_SUMS = ["budget_used", "paid"]
CENT = Decimal("0.01")


def _q(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def measures(prefix: str = "") -> dict:
    """Every figure as an aggregate over proposals, reached from the queryset's model through
    ``prefix`` ("" on Proposal, "proposals__" on CountryProgramme)."""
    funded = _q(prefix, status=S.APPROVED)
    accepted = funded & _q(prefix, report__status=R.ACCEPTED)
    pk = f"{prefix}pk"
    result = {
        "applications": Count(
            pk,
            filter=~_q(prefix, status=S.DRAFT)
            & (_q(prefix, submitted_at__isnull=False) | ~_q(prefix, status=S.WITHDRAWN)),
        ),
        "approvals": Count(pk, filter=_q(prefix, status__in=[S.APPROVED, S.CANCELLED])),
        "rejections": Count(pk, filter=_q(prefix, status=S.REJECTED)),
        "funded": Count(pk, filter=funded),
        "reported": Count(
            pk,
            filter=funded
            & _q(prefix, report__status__in=[R.SUBMITTED, R.CHANGES_REQUESTED, R.ACCEPTED]),
        ),
        "held": Count(pk, filter=accepted),
        # The same town name in two countries is two towns.
        "towns": Count(
            Concat(f"{prefix}country_programme__country", Lower(f"{prefix}city")),
            filter=funded & ~_q(prefix, city=""),
            distinct=True,
        ),
        "answered_only_possible": Count(
            pk, filter=accepted & _q(prefix, report__only_possible_thanks_to_grant__isnull=False)
        ),
        "only_possible": Count(
            pk, filter=accepted & _q(prefix, report__only_possible_thanks_to_grant=True)
        ),
        "budget_used": Sum(f"{prefix}grant__amount", filter=funded, default=Decimal("0")),
        "paid": Sum(f"{prefix}grant__paid_amount", filter=funded, default=Decimal("0")),
    }
    for name in REPORT_SUMS:
        result[name] = Sum(f"{prefix}report__{name}", filter=accepted, default=0)
    return result


def percent(part, whole) -> int | None:
    return round(100 * part / whole) if whole else None


class Row:
    """The figures of one country programme, or the total of an edition (``country`` empty)."""

    def __init__(
        self, *, edition_id, edition_name, edition_year, country="", currency, budget, values: dict
    ):
        self.edition_id = edition_id
        self.edition_name = edition_name
        self.edition_year = edition_year
        self.country = country
        self.label = str(countries.name(country)) if country else str(_("Total"))
        self.currency = currency  # None for a total over several currencies
        self.budget = budget
        self.values = values
        for key, value in values.items():
            setattr(self, key, value)

    @property
    def is_total(self) -> bool:
        return not self.country

    @property
    def participants(self) -> int:
        return self.values["participants_total"]

    @property
    def average_grant(self) -> Decimal | None:
        if not self.funded or self.budget_used is None:
            return None
        return (self.budget_used / self.funded).quantize(CENT)

    @property
    def only_possible_share(self) -> int | None:
        """Per cent of the accepted reports answering the question that said "only possible
        thanks to the grant"."""
        return percent(self.only_possible, self.answered_only_possible)

    @property
    def budget_share(self) -> int | None:
        if self.budget is None or self.budget_used is None:
            return None
        return percent(self.budget_used, self.budget)


@dataclass
class EditionFigures:
    edition_id: int
    name: str
    year: int
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None


def _total(edition: EditionFigures) -> Row:
    values = {key: sum(row.values[key] for row in edition.rows) for key in edition.rows[0].values}
    currencies = {row.currency for row in edition.rows}
    single = len(currencies) == 1
    if not single:  # money in several currencies does not add up
        values["budget_used"] = values["paid"] = None
    return Row(
        edition_id=edition.edition_id,
        edition_name=edition.name,
        edition_year=edition.year,
        currency=currencies.pop() if single else None,
        budget=sum(row.budget for row in edition.rows) if single else None,
        values=values,
    )


def programme_figures(programmes) -> list[EditionFigures]:
    """The figures of these country programmes (a scoped, filtered queryset), per edition
    (newest first) and country, with each edition's total. One query."""
    rows = (
        programmes.values(
            "pk", "edition_id", "edition__name", "edition__year", "country", "currency", "budget"
        )
        .annotate(**measures("proposals__"))
        .order_by("-edition__year", "country")
    )
    editions: dict[int, EditionFigures] = {}
    for row in rows:
        edition = editions.setdefault(
            row["edition_id"],
            EditionFigures(row["edition_id"], row["edition__name"], row["edition__year"]),
        )
        values = {key: row[key] for key in COUNTS + REPORT_SUMS}
        values.update({key: Decimal(row[key]).quantize(CENT) for key in MONEY_SUMS})
        edition.rows.append(
            Row(
                edition_id=row["edition_id"],
                edition_name=row["edition__name"],
                edition_year=row["edition__year"],
                country=row["country"],
                currency=row["currency"],
                budget=row["budget"],
                values=values,
            )
        )
    result = list(editions.values())
    for edition in result:
        edition.rows.sort(key=lambda row: row.label)
        edition.total = _total(edition)
    return result


def breakdown(totals: list[Row], names) -> list[tuple[str, str, int]]:
    """(key, label, sum over the rows) for a breakdown such as AGE_BANDS."""
    return [(key, str(label), sum(row.values[key] for row in totals)) for key, label in names]


# --- The table's columns: the dashboard and the exports show the same ----------------------------


def columns() -> list[tuple[str, str]]:
    """(attribute, heading) of every figure of a row, in the order of the table and the export."""
    return [
        ("applications", str(_("Applications"))),
        ("approvals", str(_("Approvals"))),
        ("rejections", str(_("Rejections"))),
        ("funded", str(_("Funded events"))),
        ("held", str(_("Events held"))),
        ("reported", str(_("Reported events"))),
        ("participants", str(_("Participants"))),
        *((key, str(label)) for key, label in AGE_BANDS),
        *((key, str(label)) for key, label in GENDERS),
        *((key, str(label)) for key, label in FOCUS_GROUPS),
        ("first_contact_with_coding", str(_("First contact with coding"))),
        ("towns", str(_("Towns"))),
        ("budget", str(_("Budget"))),
        ("budget_used", str(_("Budget used"))),
        ("paid", str(_("Paid"))),
        ("average_grant", str(_("Average grant"))),
        ("only_possible_share", str(_("Only possible thanks to the grant (%)"))),
    ]


#: The dashboard shows the columns in four narrower tables (28 side by side were 2,800 px wide);
#: the exports keep them in one row each.
COLUMN_GROUPS = [
    ("events", _("Applications and events"), ["applications", "approvals", "rejections",
        "funded", "held", "reported", "towns"]),
    ("participants", _("Participants"), ["participants", *(k for k, _l in AGE_BANDS + GENDERS),
        "first_contact_with_coding"]),
    ("focus", _("Focus groups"), [key for key, _label in FOCUS_GROUPS]),
    ("money", _("Budget and grants"), ["budget", "budget_used", "paid", "average_grant",
        "only_possible_share"]),
]  # fmt: skip


@dataclass(frozen=True)
class ColumnGroup:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (attribute, heading), in the order of ``columns()``

    @property
    def keys(self) -> list[str]:
        return [key for key, _heading in self.columns]


def column_groups() -> list[ColumnGroup]:
    """The table's columns in groups, each in the order of ``columns()``."""
    every = columns()
    return [
        ColumnGroup(key, str(title), [(k, heading) for k, heading in every if k in keys])
        for key, title, keys in COLUMN_GROUPS
    ]


def export_header() -> list[str]:
    return [str(_("Edition")), str(_("Country")), str(_("Currency"))] + [
        heading for _key, heading in columns()
    ]


def export_rows(editions: list[EditionFigures]):
    keys = [key for key, _heading in columns()]
    for edition in editions:
        for row in [*edition.rows, edition.total]:
            country = row.country or str(_("Total"))
            yield [edition.name, country, row.currency or ""] + [getattr(row, k) for k in keys]


# --- The answers to the extra questions (issue 18) -------------------------------------------


@dataclass
class QuestionCount:
    """How the proposals of the programmes shown answered one choice (or yes/no) question."""

    question: object  # programmes.Question
    parts: list[tuple[str, str, int]]  # (key, label, answers), as ``breakdown``
    answered: int  # proposals that answered (a multiple choice counts each choice)


COUNTED_KINDS = (*Question.CHOICE_KINDS, Question.Kind.YES_NO)


def question_counts(programmes) -> list[QuestionCount]:
    """Each choice and yes/no question of the programmes' editions with the number of submitted
    proposals (not drafts) that chose each answer: two queries."""
    questions = list(
        Question.objects.filter(edition__in=programmes.values("edition"), kind__in=COUNTED_KINDS)
        .select_related("edition")
        .prefetch_related("choices")
        .order_by("-edition__year", "form", "section", "position", "pk")
    )
    if not questions:
        return []
    rows = (
        Answer.objects.filter(question__in=questions, proposal__country_programme__in=programmes)
        .exclude(proposal__status=Proposal.Status.DRAFT)
        .values("question_id", "value")
        .annotate(n=Count("pk"))
    )
    counted: dict[int, dict] = {question.pk: {} for question in questions}
    answered: dict[int, int] = dict.fromkeys(counted, 0)
    for row in rows:
        chosen = row["value"] if isinstance(row["value"], list) else [row["value"]]
        answered[row["question_id"]] += row["n"]
        for value in chosen:
            tally = counted[row["question_id"]]
            tally[value] = tally.get(value, 0) + row["n"]
    return [
        QuestionCount(question, _parts(question, counted[question.pk]), answered[question.pk])
        for question in questions
    ]


def _parts(question, tally: dict) -> list[tuple[str, str, int]]:
    if question.kind == Question.Kind.YES_NO:
        return [("yes", _("Yes"), tally.get(True, 0)), ("no", _("No"), tally.get(False, 0))]
    return [
        (str(choice.pk), choice.label, tally.get(choice.pk, 0)) for choice in question.choices.all()
    ]
