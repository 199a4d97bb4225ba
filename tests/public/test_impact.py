"""/impact/: the programme's figures per edition and country, from approved events and accepted
reports only, in a constant number of queries, cached."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Proposal
from grants import impact
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    ProposalFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

APPROVED = Proposal.Status.APPROVED


def _report(proposal, *, total, female, refugees=0, only_possible=True, status="accepted"):
    return ReportFactory(
        proposal=proposal,
        status=status,
        participants_total=total,
        age_8_12=total,
        age_13_16=0,
        gender_female=female,
        gender_male=total - female,
        gender_other=0,
        refugees=refugees,
        only_possible_thanks_to_grant=only_possible,
    )


@pytest.fixture
def known():
    """PAST_YEAR: four approved events in LU and BE, two with accepted reports; a cancelled grant
    and a rejected proposal (with reports) that must not count; one event the year before."""
    edition, earlier = EditionFactory(year=PAST_YEAR), EditionFactory(year=PAST_YEAR - 1)
    lu = CountryProgrammeFactory(edition=edition, country="LU")
    be = CountryProgrammeFactory(edition=edition, country="BE")
    lu_earlier = CountryProgrammeFactory(edition=earlier, country="LU")

    def proposal(programme, city, status=APPROVED):
        return ProposalFactory(country_programme=programme, city=city, status=status)

    _report(proposal(lu, "Luxembourg"), total=18, female=9, refugees=3, only_possible=True)
    _report(proposal(lu, "Esch-sur-Alzette"), total=20, female=5, only_possible=False)
    # Same town in other letters; its report is only submitted: approved, not held.
    _report(proposal(lu, "luxembourg"), total=30, female=30, status="submitted")
    proposal(be, "Gent")
    # Neither of these counts anywhere.
    _report(proposal(lu, "Differdange", Proposal.Status.CANCELLED), total=50, female=25)
    proposal(be, "Brugge", Proposal.Status.REJECTED)
    _report(proposal(lu_earlier, "Luxembourg"), total=10, female=10, refugees=1)
    return edition


def test_figures_of_an_edition_count_approved_events_and_accepted_reports_only(known):
    figures = impact.compute(known)

    total = figures.total
    assert total.approved_events == 4
    assert total.events_held == 2
    assert total.participants == 38
    assert total.girls_and_women == 14
    assert total.girls_share == 37  # 14 of 38
    assert total.refugees == 3
    assert total.towns == 3  # Luxembourg, Esch-sur-Alzette, Gent
    assert total.only_possible_share == 50

    rows = {row.code: row for row in figures.by_country}
    assert set(rows) == {"LU", "BE"}
    assert (rows["LU"].approved_events, rows["LU"].events_held, rows["LU"].towns) == (3, 2, 2)
    assert (rows["BE"].approved_events, rows["BE"].participants, rows["BE"].towns) == (1, 0, 1)
    assert rows["BE"].girls_share is None  # no participants reported: no share, not 0 %


def test_all_editions_add_up_and_list_each_edition(known):
    figures = impact.compute()

    assert figures.total.approved_events == 5
    assert figures.total.participants == 48
    assert figures.total.towns == 3  # Luxembourg again the year before is the same town
    assert [(row.code, row.approved_events) for row in figures.by_edition] == [
        (str(PAST_YEAR), 4),
        (str(PAST_YEAR - 1), 1),
    ]


def test_the_page_shows_the_chart_and_the_table_for_the_chosen_edition(client, known):
    page = client.get(reverse("public:impact"), {"edition": PAST_YEAR})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="img"' in html
    assert '<desc id="chart-desc">Belgium: 0; Luxembourg: 38</desc>' in html
    assert '<td class="text-end">37&nbsp;%</td>' in html
    assert f"Figures of Meet and Code {PAST_YEAR}" in html
    # The year before's event is not in this edition's figures.
    assert ">48<" not in html


def test_an_unknown_edition_says_so_next_to_the_field_and_shows_all_editions(client, known):
    page = client.get(reverse("public:impact"), {"edition": 1999})

    html = page.content.decode()
    assert page.status_code == 200
    assert "invalid-feedback" in html
    assert "Figures of all editions" in html


def test_the_figures_take_the_same_few_queries_whatever_the_data(client, known, settings):
    settings.PUBLIC_PAGE_SECONDS = 0  # the figures' queries, not the whole page kept

    def queries():
        cache.delete(impact.cache_key())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("public:impact")).status_code == 200
        return len(captured)

    before = queries()
    for country in ("DE", "FR", "AT", "NL"):
        programme = CountryProgrammeFactory(edition=known, country=country)
        for _ in range(3):
            _report(ProposalFactory(country_programme=programme, status=APPROVED), total=12,
                    female=6)  # fmt: skip

    assert queries() == before <= 4  # editions, then the total, per country, per edition


def test_the_figures_are_cached_for_a_while(client, known, settings):
    settings.PUBLIC_PAGE_SECONDS = 0  # the figures' own cache, not the whole page kept
    client.get(reverse("public:impact"), {"edition": PAST_YEAR})
    ProposalFactory(country_programme=CountryProgrammeFactory(edition=known, country="DE"),
                    status=APPROVED)  # fmt: skip

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("public:impact"), {"edition": PAST_YEAR})

    assert len(captured) == 1  # the editions for the filter; the figures come from the cache
    assert "Germany" not in page.content.decode()


def test_the_charts_numbers_stay_numbers_in_languages_with_a_decimal_comma(client, known):
    """SVG reads "180.9", not the German or Ukrainian "180,9" (the browser drops such a bar)."""
    import re

    from django.utils import translation

    with translation.override("de"):
        url = reverse("public:impact")
    html = client.get(url, {"edition": "", "chart": "all"}).content.decode()

    sizes = re.findall(r'<rect [^>]*width="([^"]+)"', html)
    assert sizes, "no bar drawn"
    assert all(re.fullmatch(r"\d+(\.\d+)?", size) for size in sizes), sizes
