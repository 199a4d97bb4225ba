"""The programme figures fit a laptop's page: a few narrow tables, each in a scroll region of
its own that a keyboard can reach and a screen reader names, rather than one table of 28
columns (2,800 px wide in a 1,116 px page). The browser sweep (tests/browser/test_sweep.py)
checks the page itself never scrolls sideways."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from grants import figures
from tests.factories import (
    CountryProgrammeFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

#: Country and the figures: what a 1,116 px page holds with headings of two or three lines.
MOST_COLUMNS = 11


class Tables(HTMLParser):
    """Each figures table: its region's attributes, caption, columns and the ids on the page."""

    def __init__(self):
        super().__init__()
        self.tables, self.ids, self.region, self.in_caption = [], {}, None, None
        self.table = None  # the figures table being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = ""
        if tag == "div" and attrs.get("role") == "region":
            self.region = attrs
        elif tag == "table" and "figures-table" in attrs.get("class", ""):
            self.table = {"region": self.region, "caption": None, "columns": 0}
            self.tables.append(self.table)
        elif tag == "caption" and self.table:
            self.table["caption"] = attrs
            self.in_caption = attrs.get("id")
        elif tag == "th" and attrs.get("scope") == "col" and self.table:
            self.table["columns"] += 1

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.in_caption:
            self.ids[self.in_caption] += data.strip()


def test_every_column_is_in_exactly_one_group():
    grouped = [key for group in figures.column_groups() for key in group.keys]
    assert sorted(grouped) == sorted(key for key, _heading in figures.columns())
    assert len(grouped) == len(set(grouped))


def test_the_figures_are_narrow_tables_in_named_focusable_regions():
    programme = CountryProgrammeFactory()
    ProposalFactory(country_programme=programme)
    client = log_in_with_second_factor(Client(), UserFactory(is_programme_staff=True))
    page = Tables()
    page.feed(client.get(reverse("grants:figures")).content.decode())

    assert len(page.tables) == len(figures.COLUMN_GROUPS)
    for table in page.tables:
        assert table["columns"] <= MOST_COLUMNS
        region = table["region"]
        assert region["tabindex"] == "0"
        # Named by the edition's heading and the table's caption, both on the page.
        names = region["aria-labelledby"].split()
        assert table["caption"]["id"] in names
        assert all(name in page.ids for name in names)
        assert page.ids[table["caption"]["id"]]  # the caption has words
        assert "visually-hidden" not in table["caption"].get("class", "")
