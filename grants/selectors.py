"""Reads of the partner dashboard: the queue with its scores, counts per status, budget bars.

Every function answers with a fixed number of queries, whatever the number of proposals: the
average score and the number of reviews are subqueries in the queue's own SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from events.models import Format, Proposal, Report
from events.permissions import visible_proposals
from events.reports import report_window
from organisations.permissions import visible_programmes
from programmes.models import CountryProgramme, Edition

from . import payments
from .models import Grant, Review, ReviewScore

QUEUE_STATUSES = [status for status in Proposal.Status.values if status != Proposal.Status.DRAFT]


@functools.cache
def _average_score() -> Subquery:
    """The mean of every criterion score of the reviews without a conflict of interest, as
    ``grants.services.review_summary`` computes it for one proposal. Built once per process:
    it is the same for everyone, and a query copies an expression it is given (building it
    took a fair share of the queue's time, bench/results.md)."""
    scores = (
        ReviewScore.objects.filter(
            review__proposal=OuterRef("pk"), review__conflict_of_interest=False
        )
        .order_by()
        .values("review__proposal")
        .annotate(average=Avg("score"))
        .values("average")
    )
    return Subquery(scores, output_field=FloatField())


@functools.cache
def _review_count() -> Subquery:
    """How many reviews (with scores, without a conflict) a proposal has (built once, as
    ``_average_score``)."""
    reviews = (
        Review.objects.filter(proposal=OuterRef("pk"), conflict_of_interest=False)
        .filter(Exists(ReviewScore.objects.filter(review=OuterRef("pk"))))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(reviews, output_field=IntegerField()), Value(0))


def queue_for(user, programme_ids: list[int] | None = None) -> QuerySet[Proposal]:
    """The person's review queue: submitted and later proposals of their countries, with
    ``avg_score`` and ``review_count``; without those they declared a conflict of interest on.

    ``programme_ids``, the ids of ``visible_programmes(user)`` when the caller has them, narrow
    the queue to those programmes by id: PostgreSQL then reads only their proposals through the
    index on ``country_programme``, where the join on the programmes' countries alone scans every
    proposal of every country."""
    conflicted = Review.objects.filter(
        proposal=OuterRef("pk"), reviewer=user, conflict_of_interest=True
    )
    proposals = visible_proposals(user)
    if programme_ids is not None:
        proposals = proposals.filter(country_programme_id__in=programme_ids)
    return (
        proposals.exclude(Exists(conflicted))
        .select_related("organisation", "country_programme__edition")
        .annotate(avg_score=_average_score(), review_count=_review_count())
    )


STATUS_LABELS = dict(Proposal.Status.choices)
FORMAT_LABELS = dict(Format.choices)


@dataclass(frozen=True)
class StatusListing:
    counts: dict[str, int]  # every status of the queue, with how many proposals it holds
    page: Page  # one page of the ids of the chosen status (or all), in the queue's order

    @property
    def total(self) -> int:
        return self.page.paginator.count


@dataclass(frozen=True)
class BudgetBar:
    programme: CountryProgramme
    budget: Decimal
    reserved: Decimal
    remaining: Decimal
    percent: int  # reserved, in whole percent of the budget (for the bar's width)

    @property
    def country(self):
        return self.programme.country

    @property
    def currency(self) -> str:
        return self.programme.currency


def queue_programmes(user) -> list[CountryProgramme]:
    """The country programmes the person sees, of every edition, with their edition, by
    country: the queue's ids, its country filter and its budget bars, from one query."""
    programmes = visible_programmes(user).select_related("edition")
    return list(programmes.order_by("country", "edition__year"))


def bars_for(
    programmes: Sequence[CountryProgramme], edition: Edition | None, countries: list[str] | None
) -> list[BudgetBar]:
    """One bar per programme of ``edition`` (of ``countries``, when given), in their order."""
    return [
        _bar(programme)
        for programme in programmes
        if edition is not None
        and programme.edition_id == edition.pk
        and (not countries or programme.country.code in countries)
    ]


def _bar(programme: CountryProgramme) -> BudgetBar:
    budget, reserved = programme.budget, programme.reserved
    percent = int(reserved * 100 / budget) if budget else 0
    return BudgetBar(
        programme=programme,
        budget=budget,
        reserved=reserved,
        remaining=budget - reserved,
        percent=max(0, min(100, percent)),
    )


def grants_for(user) -> QuerySet[Grant]:
    """The grants of the person's countries, with what the payments list and its exports show."""
    grants = Grant.objects.filter(country_programme__in=visible_programmes(user))
    grants = payments.with_payable(grants).select_related(
        "proposal__organisation", "proposal__report", "country_programme__edition"
    )
    return grants.order_by("-approved_at", "-pk")


@dataclass
class EditionRecord:
    """An organisation's proposals in one edition, at a glance (the proposal page)."""

    edition: Edition
    submitted: int = 0
    funded: int = 0
    reports_accepted: int = 0
    reports_overdue: int = 0


def track_record(proposals: list[Proposal], now) -> list[EditionRecord]:
    """Per edition, newest first: how many of ``proposals`` (not drafts; with ``grant``,
    ``report`` and ``country_programme__edition`` loaded) were submitted, funded, and whose
    reports were accepted or are overdue. No query."""
    records: dict[int, EditionRecord] = {}
    for proposal in proposals:
        edition = proposal.country_programme.edition
        record = records.setdefault(edition.pk, EditionRecord(edition))
        record.submitted += 1
        grant = getattr(proposal, "grant", None)
        if grant is None or grant.status != Grant.Status.ACTIVE:
            continue
        record.funded += 1
        report = getattr(proposal, "report", None)
        if report is not None and report.status == Report.Status.ACCEPTED:
            record.reports_accepted += 1
        elif not _report_handed_in(report) and report_window(proposal).is_overdue(now):
            record.reports_overdue += 1
    return sorted(records.values(), key=lambda record: record.edition.year, reverse=True)


def _report_handed_in(report) -> bool:
    return report is not None and report.status != Report.Status.DRAFT
