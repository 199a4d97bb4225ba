"""The programme figures: a small data set built by hand, every figure on the dashboard and in
the CSV export checked against numbers worked out by hand below; constant queries."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Proposal, Report
from grants.models import Grant
from organisations.models import PartnerStaff
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

S = Proposal.Status
ACCEPTED, SUBMITTED = Report.Status.ACCEPTED, Report.Status.SUBMITTED
ZERO_REPORT = {
    "age_under_8": 0,
    "age_8_12": 0,
    "age_13_16": 0,
    "age_17_24": 0,
    "age_over_24": 0,
    "gender_female": 0,
    "gender_male": 0,
    "gender_other": 0,
    "first_contact_with_coding": 0,
}


def _proposal(programme, status, *, city="Luxembourg", grant=None, report=None, **extra):
    submitted = None if status == S.DRAFT else timezone.now() - dt.timedelta(days=60)
    fields = {"submitted_at": submitted, "city": city, **extra}
    proposal = ProposalFactory(country_programme=programme, status=status, **fields)
    if grant is not None:
        GrantFactory(
            proposal=proposal,
            amount=Decimal(grant),
            status=Grant.Status.CANCELLED if status == S.CANCELLED else Grant.Status.ACTIVE,
        )
    if report is not None:
        ReportFactory(proposal=proposal, **{**ZERO_REPORT, **report})
    return proposal


@pytest.fixture
def data():
    """PAST_YEAR: Luxembourg (budget 10,000 EUR) and Belgium (5,000 EUR); the year before:
    Luxembourg (1,000)."""
    e24, e23 = EditionFactory(year=PAST_YEAR), EditionFactory(year=PAST_YEAR - 1)
    lu = CountryProgrammeFactory(edition=e24, country="LU", budget=Decimal("10000"))
    be = CountryProgrammeFactory(edition=e24, country="BE", budget=Decimal("5000"))
    lu23 = CountryProgrammeFactory(
        edition=e23, country="LU", budget=Decimal("1000"), partner=lu.partner
    )
    # Luxembourg, PAST_YEAR
    first = _proposal(lu, S.APPROVED, grant="400", report={
        "status": ACCEPTED, "participants_total": 20, "age_8_12": 12, "age_13_16": 8,
        "gender_female": 9, "gender_male": 10, "gender_other": 1, "refugees": 3,
        "migration_background": 2, "disability": 1, "low_income": 4, "no_own_device": 2,
        "deprived_area": 5, "first_contact_with_coding": 15,
        "only_possible_thanks_to_grant": True,
    })  # fmt: skip
    _proposal(lu, S.APPROVED, city="Esch-sur-Alzette", grant="300", report={
        "status": ACCEPTED, "participants_total": 10, "age_8_12": 4, "age_17_24": 6,
        "gender_female": 6, "gender_male": 4, "refugees": 1, "first_contact_with_coding": 5,
        "only_possible_thanks_to_grant": False,
    })  # fmt: skip
    # Handed in, not accepted yet: reported, not held; its numbers do not count yet.
    _proposal(lu, S.APPROVED, city="LUXEMBOURG", grant="250", report={
        "status": SUBMITTED, "participants_total": 30, "age_8_12": 30, "gender_male": 30,
        "refugees": 9, "only_possible_thanks_to_grant": True,
    })  # fmt: skip
    _proposal(lu, S.APPROVED, city="Diekirch", grant="200")  # funded, no report yet
    _proposal(lu, S.CANCELLED, city="Vianden", grant="100")  # approved, then cancelled
    _proposal(lu, S.REJECTED, city="Wiltz")
    _proposal(lu, S.SUBMITTED, city="Clervaux")
    _proposal(lu, S.DRAFT)  # not an application
    _proposal(lu, S.WITHDRAWN)  # withdrawn after it was submitted: an application
    _proposal(lu, S.WITHDRAWN, submitted_at=None)  # a draft withdrawn: not one
    Grant.objects.filter(proposal=first).update(
        payment_status="paid", paid_on=timezone.localdate(), paid_amount=Decimal("400")
    )
    # Belgium, PAST_YEAR
    _proposal(be, S.APPROVED, city="Gent", grant="500", report={
        "status": ACCEPTED, "participants_total": 12, "age_13_16": 12, "gender_female": 12,
        "only_possible_thanks_to_grant": True,
    })  # fmt: skip
    _proposal(be, S.REJECTED, city="Brugge")
    # Luxembourg, the year before
    _proposal(lu23, S.APPROVED, grant="100", report={
        "status": ACCEPTED, "participants_total": 7, "age_8_12": 7, "gender_male": 7,
        "only_possible_thanks_to_grant": True,
    })  # fmt: skip
    return {"lu": lu, "be": be, "lu23": lu23}


# Worked out by hand from the data above.
LU24 = {
    "applications": 8, "approvals": 5, "rejections": 1, "funded": 4, "held": 2, "reported": 3,
    "participants": 30, "age_under_8": 0, "age_8_12": 16, "age_13_16": 8, "age_17_24": 6,
    "age_over_24": 0, "gender_female": 15, "gender_male": 14, "gender_other": 1,
    "refugees": 4, "migration_background": 2, "disability": 1, "low_income": 4,
    "no_own_device": 2, "deprived_area": 5, "first_contact_with_coding": 20,
    "towns": 3,  # Luxembourg (twice, in two spellings), Esch-sur-Alzette, Diekirch
    "budget": "EUR 10,000.00", "budget_used": "EUR 1,150.00 (12%)", "paid": "EUR 400.00",
    "average_grant": "EUR 287.50", "only_possible_share": "50%",
}  # fmt: skip
BE24 = {
    "applications": 2, "approvals": 1, "rejections": 1, "funded": 1, "held": 1, "reported": 1,
    "participants": 12, "age_under_8": 0, "age_8_12": 0, "age_13_16": 12, "age_17_24": 0,
    "age_over_24": 0, "gender_female": 12, "gender_male": 0, "gender_other": 0,
    "refugees": 0, "migration_background": 0, "disability": 0, "low_income": 0,
    "no_own_device": 0, "deprived_area": 0, "first_contact_with_coding": 0, "towns": 1,
    "budget": "EUR 5,000.00", "budget_used": "EUR 500.00 (10%)", "paid": "EUR 0.00",
    "average_grant": "EUR 500.00", "only_possible_share": "100%",
}  # fmt: skip
TOTAL24 = {
    "applications": 10, "approvals": 6, "rejections": 2, "funded": 5, "held": 3, "reported": 4,
    "participants": 42, "age_under_8": 0, "age_8_12": 16, "age_13_16": 20, "age_17_24": 6,
    "age_over_24": 0, "gender_female": 27, "gender_male": 14, "gender_other": 1,
    "refugees": 4, "migration_background": 2, "disability": 1, "low_income": 4,
    "no_own_device": 2, "deprived_area": 5, "first_contact_with_coding": 20, "towns": 4,
    "budget": "EUR 15,000.00", "budget_used": "EUR 1,650.00 (11%)", "paid": "EUR 400.00",
    "average_grant": "EUR 330.00", "only_possible_share": "67%",  # 2 of 3 answers
}  # fmt: skip
LU23 = {
    "applications": 1, "approvals": 1, "rejections": 0, "funded": 1, "held": 1, "reported": 1,
    "participants": 7, "age_8_12": 7, "gender_male": 7, "towns": 1,
    "budget_used": "EUR 100.00 (10%)", "average_grant": "EUR 100.00",
    "only_possible_share": "100%",
}  # fmt: skip


class FigureCells(HTMLParser):
    """The dashboard's tables as {(edition year, country or "total"): {figure: text}}."""

    def __init__(self):
        super().__init__()
        self.tables, self.year, self.row, self.figure = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-edition" in attrs:
            self.year = int(attrs["data-edition"])
        elif tag == "tr" and self.year is not None:
            if "data-country" in attrs:
                self.row = self.tables.setdefault((self.year, attrs["data-country"]), {})
            elif "figures-total" in attrs.get("class", ""):
                self.row = self.tables.setdefault((self.year, "total"), {})
        elif tag == "td" and self.row is not None and "data-figure" in attrs:
            self.figure = attrs["data-figure"]
            self.row[self.figure] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.figure = None
        elif tag == "table":
            self.year, self.row = None, None

    def handle_data(self, data):
        if self.figure is not None:
            self.row[self.figure] += data

    @classmethod
    def of(cls, html: bytes) -> dict:
        parser = cls()
        parser.feed(html.decode())
        return {
            key: {k: " ".join(v.split()) for k, v in row.items()}
            for key, row in parser.tables.items()
        }


def _check(cells: dict, expected: dict):
    for figure, value in expected.items():
        assert cells[figure] == str(value), (figure, cells[figure], value)


def _as(user) -> Client:
    return log_in_with_second_factor(Client(), user)


def test_programme_staff_see_every_figure_as_worked_out_by_hand(data):
    page = _as(UserFactory(is_programme_staff=True)).get(reverse("grants:figures"))
    assert page.status_code == 200
    cells = FigureCells.of(page.content)
    assert set(cells) == {
        (PAST_YEAR, "BE"),
        (PAST_YEAR, "LU"),
        (PAST_YEAR, "total"),
        (PAST_YEAR - 1, "LU"),
        (PAST_YEAR - 1, "total"),
    }
    _check(cells[(PAST_YEAR, "LU")], LU24)
    _check(cells[(PAST_YEAR, "BE")], BE24)
    _check(cells[(PAST_YEAR, "total")], TOTAL24)
    _check(cells[(PAST_YEAR - 1, "LU")], LU23)
    _check(cells[(PAST_YEAR - 1, "total")], LU23)
    assert len(cells[(PAST_YEAR, "LU")]) == len(LU24)  # no figure left unchecked


def test_the_charts_data_and_their_tables_hold_the_same_numbers(data):
    page = _as(UserFactory(is_programme_staff=True)).get(
        reverse("grants:figures"), {"edition": PAST_YEAR}
    )
    html = page.content.decode()
    start = html.index('<script id="figures-data" type="application/json">') + len(
        '<script id="figures-data" type="application/json">'
    )
    chart = json.loads(html[start : html.index("</script>", start)])
    assert chart["countries"]["labels"] == ["Belgium", "Luxembourg"]
    assert chart["countries"]["series"][0]["data"] == [2, 8]  # applications
    assert chart["countries"]["series"][1]["data"] == [1, 4]  # funded
    assert chart["countries"]["series"][2]["data"] == [1, 2]  # held
    assert chart["ages"]["series"][0]["data"] == [0, 16, 20, 6, 0]
    assert chart["genders"]["series"][0]["data"] == [27, 14, 1]
    assert chart["focus"]["series"][0]["data"] == [4, 2, 1, 4, 2, 5]
    assert (
        'id="table-genders"' in html
        and '<td class="text-end" data-figure="gender_female">27' in html
    )
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/figures.js" in html


def test_a_partner_sees_the_figures_of_its_own_countries_only(data):
    be_partner = PartnerStaffFactory(partner=data["be"].partner, role=PartnerStaff.Role.REVIEWER)
    cells = FigureCells.of(_as(be_partner.user).get(reverse("grants:figures")).content)
    assert set(cells) == {(PAST_YEAR, "BE"), (PAST_YEAR, "total")}
    _check(cells[(PAST_YEAR, "BE")], BE24)
    _check(cells[(PAST_YEAR, "total")], BE24)
    lu_partner = PartnerStaffFactory(partner=data["lu"].partner).user
    cells = FigureCells.of(
        _as(lu_partner).get(reverse("grants:figures"), {"edition": PAST_YEAR}).content
    )
    assert set(cells) == {(PAST_YEAR, "LU"), (PAST_YEAR, "total")}
    _check(cells[(PAST_YEAR, "total")], LU24)


def test_the_filters_pick_an_edition_and_a_country(data):
    client = _as(UserFactory(is_programme_staff=True))
    cells = FigureCells.of(client.get(reverse("grants:figures"), {"country": "LU"}).content)
    assert set(cells) == {
        (PAST_YEAR, "LU"),
        (PAST_YEAR, "total"),
        (PAST_YEAR - 1, "LU"),
        (PAST_YEAR - 1, "total"),
    }
    cells = FigureCells.of(
        client.get(reverse("grants:figures"), {"edition": PAST_YEAR - 1}).content
    )
    assert set(cells) == {(PAST_YEAR - 1, "LU"), (PAST_YEAR - 1, "total")}


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


HEADINGS = {
    "applications": "Applications", "approvals": "Approvals", "rejections": "Rejections",
    "funded": "Funded events", "held": "Events held", "reported": "Reported events",
    "participants": "Participants", "age_under_8": "Under 8", "age_8_12": "8 to 12",
    "age_13_16": "13 to 16", "age_17_24": "17 to 24", "age_over_24": "Over 24",
    "gender_female": "Girls and women", "gender_male": "Boys and men",
    "gender_other": "Another or not stated", "refugees": "Refugees",
    "migration_background": "Migration background", "disability": "With a disability",
    "low_income": "Low-income household", "no_own_device": "No own IT device",
    "deprived_area": "Socially deprived area",
    "first_contact_with_coding": "First contact with coding", "towns": "Towns",
}  # fmt: skip
MONEY = {
    "LU": {"Budget": "10000.00", "Budget used": "1150.00", "Paid": "400.00",
           "Average grant": "287.50", "Only possible thanks to the grant (%)": "50"},
    "BE": {"Budget": "5000.00", "Budget used": "500.00", "Paid": "0.00", "Average grant": "500.00",
           "Only possible thanks to the grant (%)": "100"},
    "Total": {"Budget": "15000.00", "Budget used": "1650.00", "Paid": "400.00",
              "Average grant": "330.00", "Only possible thanks to the grant (%)": "67"},
}  # fmt: skip


def test_the_csv_export_holds_the_same_figures(data):
    client = _as(UserFactory(is_programme_staff=True))
    rows = _csv(client.get(reverse("grants:figures_csv"), {"edition": PAST_YEAR}))
    assert [(row["Edition"], row["Country"]) for row in rows] == [
        (f"Meet and Code {PAST_YEAR}", "BE"),
        (f"Meet and Code {PAST_YEAR}", "LU"),
        (f"Meet and Code {PAST_YEAR}", "Total"),
    ]
    for row, expected in zip(rows, (BE24, LU24, TOTAL24), strict=True):
        for key, heading in HEADINGS.items():
            assert row[heading] == str(expected[key]), (row["Country"], heading)
        for heading, value in MONEY[row["Country"]].items():
            assert row[heading] == value, (row["Country"], heading)
        assert row["Currency"] == "EUR"
    xlsx = client.get(reverse("grants:figures_xlsx"), {"edition": PAST_YEAR})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == list(rows[0].keys())
    total = dict(zip(table[0], table[3], strict=True))
    assert total["Applications"] == 10 and total["Participants"] == 42
    assert Decimal(str(total["Budget used"])) == Decimal("1650")


def test_money_in_several_currencies_is_not_added_up(data):
    pl = CountryProgrammeFactory(
        edition=data["lu"].edition, country="PL", currency="PLN", budget=Decimal("20000")
    )
    _proposal(pl, S.APPROVED, city="Kraków", grant="400")
    page = _as(UserFactory(is_programme_staff=True)).get(
        reverse("grants:figures"), {"edition": PAST_YEAR}
    )
    cells = FigureCells.of(page.content)
    assert cells[(PAST_YEAR, "PL")]["budget_used"] == "PLN 400.00 (2%)"
    assert cells[(PAST_YEAR, "total")]["budget_used"] == "–"
    assert cells[(PAST_YEAR, "total")]["funded"] == "6"


def _many(programme, n):
    for i in range(n):
        status = [S.APPROVED, S.REJECTED, S.SUBMITTED][i % 3]
        report = None
        if status == S.APPROVED:
            report = {"status": ACCEPTED, "participants_total": 5, "age_8_12": 5,
                      "gender_female": 5}  # fmt: skip
        _proposal(programme, status, city=f"Town {i}",
                  grant="100" if status == S.APPROVED else None, report=report)  # fmt: skip


@pytest.mark.parametrize("url_name", ["grants:figures", "grants:figures_csv"])
def test_the_figures_take_the_same_number_of_queries_for_5_or_50_proposals(url_name):
    edition = EditionFactory(year=PAST_YEAR)
    lu = CountryProgrammeFactory(edition=edition, country="LU", budget=Decimal("100000"))
    be = CountryProgrammeFactory(edition=edition, country="BE", budget=Decimal("100000"))
    partner = PartnerStaffFactory(partner=lu.partner).user
    partner.partner_roles.create(partner=be.partner, role=PartnerStaff.Role.REVIEWER)
    client = _as(partner)
    url = reverse(url_name)

    def count() -> int:
        client.get(url)  # the session and its cache are warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(queries)

    _many(lu, 3)
    _many(be, 2)
    few = count()
    _many(lu, 25)
    _many(be, 20)
    assert count() == few
    assert few <= 11  # with the extra questions (none here: one query; two with some)


def test_the_public_impact_page_shows_the_dashboards_numbers(data):
    from grants import impact
    from grants.figures import programme_figures
    from programmes.models import CountryProgramme, Edition

    edition = Edition.objects.get(year=PAST_YEAR)
    public = impact.compute(edition)
    (dashboard,) = programme_figures(CountryProgramme.objects.filter(edition=edition))
    pairs = {
        "approved_events": "funded",
        "events_held": "held",
        "participants": "participants",
        "girls_and_women": "gender_female",
        "refugees": "refugees",
        "towns": "towns",
        "only_possible_share": "only_possible_share",
    }
    for row in [public.total, *public.by_country]:
        mine = (
            dashboard.total
            if not row.code
            else next(r for r in dashboard.rows if r.country == row.code)
        )
        for theirs, ours in pairs.items():
            assert getattr(row, theirs) == getattr(mine, ours), (row.code, theirs)
    assert (public.total.approved_events, public.total.participants) == (5, 42)
