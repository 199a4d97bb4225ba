"""The partner's review queue: filters in the URL, sorting, counts per status, budget bars,
conflicts of interest, the exports, and a number of queries that does not grow with the data."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Format, Proposal
from grants.models import Review
from organisations.models import PartnerStaff
from programmes.models import CountryProgramme
from tests.factories import (
    LUXEMBOURG,
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    FocusGroupFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
    ReviewFactory,
    ReviewScoreFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

S = Proposal.Status


@pytest.fixture
def edition():
    return EditionFactory(year=PAST_YEAR)


@pytest.fixture
def partner():
    return PartnerFactory(countries=["LU", "BE"])


@pytest.fixture
def lu(edition, partner):
    return CountryProgrammeFactory(edition=edition, country="LU", partner=partner)


@pytest.fixture
def be(edition, partner):
    return CountryProgrammeFactory(edition=edition, country="BE", partner=partner, budget=3000)


@pytest.fixture
def manager(partner):
    return PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def client(manager):
    return log_in_with_second_factor(Client(), manager)


def _submitted(programme, **fields):
    fields.setdefault("status", S.SUBMITTED)
    fields.setdefault("submitted_at", dt.datetime(PAST_YEAR, 6, 1, 9, 0, tzinfo=LUXEMBOURG))
    return ProposalFactory(country_programme=programme, **fields)


def _ids(response) -> list[int]:
    """The proposals of the queue's table, in the order shown."""
    return [int(pk) for pk in re.findall(r'<tr data-proposal="(\d+)"', response.content.decode())]


def _queue(client, **params):
    """The queue with ``params``; without any, every proposal (not the default view)."""
    response = client.get(reverse("grants:dashboard"), params or {"todo": "all"})
    assert response.status_code == 200
    return response


def _score(proposal, reviewer_score: int, *, conflict=False, reviewer=None):
    criterion = ReviewCriterionFactory(edition=proposal.country_programme.edition)
    review = ReviewFactory(
        proposal=proposal,
        conflict_of_interest=conflict,
        **({"reviewer": reviewer} if reviewer else {}),
    )
    return ReviewScoreFactory(review=review, criterion=criterion, score=reviewer_score)


def test_the_queue_shows_the_partners_submitted_proposals_but_no_drafts_nor_other_countries(
    client, lu, be, edition
):
    mine = _submitted(lu, title="Scratch in Ettelbruck")
    belgian = _submitted(be, title="Robots in Gent")
    draft = ProposalFactory(country_programme=lu, title="Unfinished draft")
    german = _submitted(CountryProgrammeFactory(edition=edition, country="DE"), title="Berlin")
    shown = _ids(_queue(client))
    assert set(shown) == {mine.pk, belgian.pk}
    assert draft.pk not in shown and german.pk not in shown


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "approved"}, {"approved"}),
        ({"country": "BE"}, {"belgian"}),
        ({"format": Format.HACKATHON}, {"hackathon"}),
        ({"town": "esch"}, {"hackathon"}),
        ({"date_from": f"{PAST_YEAR}-10-01"}, {"late"}),
        ({"date_to": f"{PAST_YEAR}-07-31"}, {"early"}),
        ({"date_from": f"{PAST_YEAR}-07-01", "date_to": f"{PAST_YEAR}-07-31"}, {"early"}),
        ({"q": "minecraft"}, {"approved"}),  # in the description
        ({"q": "Girls Who"}, {"late"}),  # the organisation's name
        ({"q": "HACKATHON scratch"}, {"hackathon"}),  # every word, any field, any case
        ({"min_score": "4"}, {"early"}),
        ({"focus_group": "girls"}, {"late"}),
    ],
)
def test_filters_narrow_the_queue(client, lu, be, params, expected):
    named = {
        "approved": _submitted(lu, status=S.APPROVED, description="We build Minecraft worlds."),
        "belgian": _submitted(be, city="Gent"),
        "hackathon": _submitted(lu, title="Hackathon", format=Format.HACKATHON, city="Esch"),
        "early": _submitted(lu, starts_at=dt.datetime(PAST_YEAR, 7, 2, 10, tzinfo=LUXEMBOURG)),
        "late": _submitted(
            lu,
            starts_at=dt.datetime(PAST_YEAR, 10, 20, 10, tzinfo=LUXEMBOURG),
            organisation=OrganisationFactory(name="Girls Who Code LU"),
        ),
    }
    named["late"].focus_groups.add(FocusGroupFactory(code="girls"))
    _score(named["early"], 5)
    _score(named["late"], 3)
    shown = set(_ids(_queue(client, **params)))
    assert shown == {named[key].pk for key in expected}


def test_a_filtered_view_is_a_shareable_url(client, lu):
    _submitted(lu, city="Esch")
    page = _queue(client, town="Esch", status="submitted")
    content = page.content.decode()
    assert 'value="Esch"' in content  # the form shows what is applied
    # the export links carry the same filters
    assert f"{reverse('grants:export_csv')}?town=Esch&amp;status=submitted" in content


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", ["low", "high", "none"]),
        ("-score", ["high", "low", "none"]),  # no score yet comes last either way
        ("amount", ["high", "none", "low"]),
        ("-amount", ["low", "none", "high"]),
        ("title", ["high", "low", "none"]),
        ("submitted", ["none", "low", "high"]),
        ("-event", ["low", "high", "none"]),
    ],
)
def test_the_queue_sorts(client, lu, sort, expected):
    named = {
        "high": _submitted(
            lu,
            title="Alpha",
            requested_amount=Decimal("100"),
            submitted_at=dt.datetime(PAST_YEAR, 6, 3, tzinfo=LUXEMBOURG),
            starts_at=dt.datetime(PAST_YEAR, 9, 1, 10, tzinfo=LUXEMBOURG),
        ),
        "low": _submitted(
            lu,
            title="Beta",
            requested_amount=Decimal("450"),
            submitted_at=dt.datetime(PAST_YEAR, 6, 2, tzinfo=LUXEMBOURG),
            starts_at=dt.datetime(PAST_YEAR, 10, 1, 10, tzinfo=LUXEMBOURG),
        ),
        "none": _submitted(
            lu,
            title="Gamma",
            requested_amount=Decimal("300"),
            submitted_at=dt.datetime(PAST_YEAR, 6, 1, tzinfo=LUXEMBOURG),
            starts_at=dt.datetime(PAST_YEAR, 8, 1, 10, tzinfo=LUXEMBOURG),
        ),
    }
    _score(named["high"], 5)
    _score(named["low"], 2)
    assert _ids(_queue(client, sort=sort)) == [named[key].pk for key in expected]


def test_the_average_leaves_out_conflicts_and_counts_reviews(client, lu):
    proposal = _submitted(lu)
    _score(proposal, 5)
    _score(proposal, 2)
    _score(proposal, 1, conflict=True)  # declared, so not counted (even if scores were left)
    content = _queue(client).content.decode()
    row = content[content.index(f'data-proposal="{proposal.pk}"') :]
    assert re.search(r'class="queue-score">3[.,]50<', row)
    assert re.search(r'class="queue-reviews">2<', row)


def test_the_queue_pages_by_fifty(client, lu):
    for _ in range(52):
        _submitted(lu)
    assert len(_ids(_queue(client))) == 50
    second = _queue(client, page=2)
    assert len(_ids(second)) == 2
    assert "Page 2 of 2" in second.content.decode()


def test_counts_per_status_follow_the_other_filters(client, lu, be):
    _submitted(lu)
    _submitted(lu)
    _submitted(lu, status=S.APPROVED)
    _submitted(be, status=S.REJECTED)
    ProposalFactory(country_programme=lu)  # a draft: never counted

    def counts(page) -> dict[str, int]:
        found = re.findall(
            r'data-status="(\w+)"[^>]*>\s*[^<]*<span class="badge text-bg-light status-count">'
            r"(\d+)<",
            page.content.decode(),
        )
        return {status: int(n) for status, n in found}

    everything = counts(_queue(client))
    assert everything["submitted"] == 2
    assert everything["approved"] == 1
    assert everything["rejected"] == 1
    assert "draft" not in everything
    # With a status chosen the other statuses keep their numbers; with a country they narrow.
    assert counts(_queue(client, status="approved"))["submitted"] == 2
    luxembourg = counts(_queue(client, country="LU"))
    assert luxembourg["rejected"] == 0 and luxembourg["submitted"] == 2


def test_the_budget_bar_shows_budget_reserved_and_remaining(client, lu, be):
    CountryProgramme.objects.filter(pk=lu.pk).update(reserved=Decimal("1250.00"))
    content = _queue(client).content.decode()
    bar = content[content.index('data-country="LU"') :]
    bar = bar[: bar.index("</li>")]
    assert 'aria-valuenow="25"' in bar
    assert 'style="width: 25%"' in bar
    assert '<span class="budget-total">EUR 5,000.00</span>' in bar
    assert '<span class="budget-reserved">EUR 1,250.00</span>' in bar
    assert '<strong class="budget-remaining">EUR 3,750.00</strong>' in bar
    assert 'data-country="BE"' in content
    # Choosing a country shows only its bar.
    assert 'data-country="BE"' not in _queue(client, country="LU").content.decode()


def test_a_reviewer_does_not_see_what_they_declared_a_conflict_on(lu, partner):
    reviewer = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
    client = log_in_with_second_factor(Client(), reviewer)
    conflicted = _submitted(lu, title="My cousin's club")
    other = _submitted(lu)
    ReviewFactory(proposal=conflicted, reviewer=reviewer, conflict_of_interest=True)
    assert _ids(_queue(client)) == [other.pk]
    # Another reviewer's conflict does not hide it from this one.
    Review.objects.filter(proposal=conflicted).update(
        reviewer=PartnerStaffFactory(partner=partner).user
    )
    assert conflicted.pk in _ids(_queue(client))


def _export_rows(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if name == "grants:export_csv":
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("name", ["grants:export_csv", "grants:export_xlsx"])
def test_the_exports_hold_the_filtered_queue_with_the_same_columns(client, lu, be, edition, name):
    chosen = _submitted(lu, title='=HYPERLINK("http://evil")', city="Esch")
    _score(chosen, 4)
    _submitted(lu, city="Diekirch", title="Not in Esch")
    _submitted(CountryProgrammeFactory(edition=edition, country="DE"), city="Esch")
    ProposalFactory(country_programme=lu, city="Esch")  # draft
    rows = _export_rows(client, name, town="Esch")
    header, *data = rows
    assert header[:3] == ["ID", "Title", "Organisation"]
    assert "Average score" in header and "Reviews" in header
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert str(row["ID"]) == str(chosen.pk)
    assert row["Title"] == '\'=HYPERLINK("http://evil")'  # defused, not a formula
    assert row["Country"] == "LU"
    assert str(row["Average score"]) in ("4", "4.0", "4.00")
    assert str(row["Reviews"]) == "1"
    assert row["Status"] == "Submitted"


def test_both_exports_have_the_same_columns(client, lu):
    _submitted(lu)
    assert (
        _export_rows(client, "grants:export_csv")[0]
        == _export_rows(client, "grants:export_xlsx")[0]
    )


def _queries_for_queue(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("grants:dashboard"), {"sort": "-score"})
    assert response.status_code == 200
    return len(queries)


def test_the_queue_answers_with_the_same_number_of_queries_for_5_or_30_proposals(client, lu, be):
    groups = [FocusGroupFactory(code=f"g{n}") for n in range(3)]

    def add(count, programme):
        for _ in range(count):
            proposal = _submitted(programme)
            proposal.focus_groups.add(*groups)
            _score(proposal, 3)

    add(5, lu)
    # warm the session and content types caches; the choice of filters is remembered
    client.get(reverse("grants:dashboard"), {"sort": "-score"})
    few = _queries_for_queue(client)
    add(25, be)
    many = _queries_for_queue(client)
    assert many == few, (few, many)
    # without a filter that scans, the counts per status with the bulk selection's sums per
    # programme (grants.queue_plan.tally) and the page's ids are two small queries, not one
    # reading every proposal of the queue
    assert few <= 10, few


def test_the_queue_query_count_is_pinned(client, lu, django_assert_max_num_queries):
    for _ in range(30):
        _score(_submitted(lu), 4)
    _queue(client, status="submitted", q="scratch", sort="-score")  # the choice is remembered
    with django_assert_max_num_queries(10):
        _queue(client, status="submitted", q="scratch", sort="-score")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_row_shows_its_link_labels_and_dates_as_the_template_filters_would(client, lu, language):
    """The rows are rendered from plain values (grants/queue_rows.py); their link, labels and
    dates must read exactly as ``{% url %}``, ``get_*_display`` and ``|date`` give them from the
    proposal itself, in every language."""
    from django.template import Context, Template
    from django.utils import translation

    starts = dt.datetime(PAST_YEAR, 10, 12, 23, 30, tzinfo=dt.UTC)  # the 13th in Luxembourg
    proposal = _submitted(lu, title="Robots & <Code>", format=Format.HACKATHON, starts_at=starts)
    with translation.override(language):
        response = _queue(client)  # /de/partner/ in German
        assert response.status_code == 200
        page = response.content.decode()
        expected = Template(
            '<td><a href="{% url "grants:proposal" p.pk %}">{{ p }}</a>'
            '<div class="small text-body-secondary">{{ p.get_format_display }} · '
            "{{ p.country_programme.country.code }} · "
            '<span class="queue-edition">{{ p.country_programme.edition.code }}</span></div></td>'
            '<time datetime="{{ p.starts_at|date:"c" }}">'
            '{{ p.starts_at|date:"SHORT_DATE_FORMAT" }}</time>'
            '<span class="badge text-bg-secondary">{{ p.get_status_display }}</span>'
            '<time datetime="{{ p.submitted_at|date:"c" }}">'
            '{{ p.submitted_at|date:"SHORT_DATE_FORMAT" }}</time>'
        ).render(Context({"p": proposal}))
    link, starts_time, status, submitted_time = re.match(
        r"(<td>.*?</td>)(<time.*?</time>)(<span.*?</span>)(<time.*?</time>)", expected
    ).groups()
    for part in (link, starts_time, status, submitted_time):
        assert part in page, part
    assert f"{PAST_YEAR}-10-13T01:30:00+02:00" in starts_time


# Without a filter the counts and the page are two small queries; with a town (as with words or
# a score) the filtered queue is read in one pass (grants.queue_plan.listing).
@pytest.mark.parametrize("town", [{}, {"town": "Esch"}])
def test_the_counts_and_pages_agree_whatever_the_status_chosen(client, lu, monkeypatch, town):
    import grants.views

    monkeypatch.setattr(grants.views, "PAGE_SIZE", 2)
    submitted = [_submitted(lu, title=f"Submitted {n}", city="Esch") for n in range(3)]
    approved = [
        _submitted(lu, title=f"Approved {n}", status=S.APPROVED, city="Esch") for n in range(2)
    ]

    everything = [_ids(_queue(client, page=n, sort="title", **town)) for n in (1, 2, 3)]
    only_submitted = [
        _ids(_queue(client, status="submitted", page=n, sort="title", **town)) for n in (1, 2)
    ]
    beyond = _queue(client, status="approved", page=9, sort="title", **town)

    by_title = sorted(approved + submitted, key=lambda p: p.title)
    assert sum(everything, []) == [p.pk for p in by_title]
    assert [len(ids) for ids in everything] == [2, 2, 1]
    assert sum(only_submitted, []) == [p.pk for p in submitted]
    assert _ids(beyond) == [p.pk for p in approved]  # a page past the end shows the last one
    page = _queue(client, status="submitted", **town).content.decode()
    assert re.search(r'data-status="submitted"[^>]*>\s*\S+ <span[^>]*>3</span>', page)
    assert re.search(r'data-status="approved"[^>]*>\s*\S+ <span[^>]*>2</span>', page)
    assert re.search(r"\b3 proposals\b", page)


# --- Editions: the current one by default, past ones a choice away ------------------------------


def _years_back(moment, years: int):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def _edition_around_today(years_back: int):
    """An edition whose call is open today (``years_back=0``), or the same a number of years
    earlier: dates from the clock, never a year written down."""
    today, now = timezone.localdate(), timezone.now()
    return EditionFactory(
        year=today.year - years_back,
        applications_open=_years_back(today - dt.timedelta(days=10), years_back),
        application_deadline=_years_back(now + dt.timedelta(days=30), years_back),
        event_start=_years_back(today + dt.timedelta(days=40), years_back),
        event_end=_years_back(today + dt.timedelta(days=100), years_back),
    )


@pytest.fixture
def two_editions(partner):
    """Last year's and this year's Luxembourg, one proposal of each status apiece."""
    past, current = _edition_around_today(1), _edition_around_today(0)
    made = {}
    for edition in (past, current):
        programme = CountryProgrammeFactory(edition=edition, country="LU", partner=partner)
        made[edition] = [
            _submitted(programme, title=f"{edition.code} submitted"),
            _submitted(programme, status=S.APPROVED, title=f"{edition.code} approved"),
        ]
    made[past].append(_submitted(made[past][0].country_programme, status=S.REJECTED))
    return past, current, made


def test_by_default_the_queue_lists_the_current_editions_proposals_only(client, two_editions):
    past, current, made = two_editions
    page = _queue(client)
    assert set(_ids(page)) == {p.pk for p in made[current]}
    content = page.content.decode()
    assert f'<option value="{current.year}" selected>{current.name}</option>' in content
    assert f'<option value="{past.year}">{past.name}</option>' in content
    assert '<option value="all">All editions</option>' in content


def test_choosing_a_past_edition_lists_its_proposals(client, two_editions):
    past, current, made = two_editions
    assert set(_ids(_queue(client, edition=past.year))) == {p.pk for p in made[past]}
    everything = set(_ids(_queue(client, edition="all")))
    assert everything == {p.pk for p in made[past] + made[current]}
    # the rows say their edition, so all editions together still read clearly
    assert (
        f'<span class="queue-edition">{past.code}</span>'
        in _queue(client, edition="all").content.decode()
    )


def test_counts_per_status_follow_the_edition(client, two_editions):
    past, current, _made = two_editions

    def counts(**params) -> dict[str, int]:
        found = re.findall(
            r'data-status="(\w+)"[^>]*>\s*[^<]*<span class="badge text-bg-light status-count">'
            r"(\d+)<",
            _queue(client, **params).content.decode(),
        )
        return {status: int(n) for status, n in found}

    assert (counts()["submitted"], counts()["approved"], counts()["rejected"]) == (1, 1, 0)
    last_year = counts(edition=past.year, status="submitted")
    assert (last_year["submitted"], last_year["approved"], last_year["rejected"]) == (1, 1, 1)
    assert counts(edition="all")["approved"] == 2


def test_the_budget_bars_and_exports_follow_the_edition(client, two_editions):
    past, current, made = two_editions
    CountryProgramme.objects.filter(edition=past).update(reserved=Decimal("2500.00"))
    assert 'aria-valuenow="50"' in _queue(client, edition=past.year).content.decode()
    assert 'aria-valuenow="0"' in _queue(client).content.decode()
    exported = {row[0] for row in _export_rows(client, "grants:export_csv")[1:]}
    assert exported == {str(p.pk) for p in made[current]}
