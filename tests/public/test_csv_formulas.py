"""The public CSV feed defuses text a spreadsheet would run as a formula, with the same function
as the partner exports (meetandcode.kernel.spreadsheet.defuse): a title such as
=HYPERLINK(...) reaches a spreadsheet as text, not as a link."""

import csv
import io

import pytest
from django.urls import reverse

from grants.services import publish_event
from meetandcode.kernel.spreadsheet import defuse
from tests.factories import ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

FORMULA = '=HYPERLINK("http://x","y")'


def csv_titles(client) -> dict[int, str]:
    # getvalue(): the view's answer, or the fast path's (streamed from memory)
    body = client.get(reverse("feeds:csv"), {"edition": "all"}).getvalue().decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    return {int(row["id"]): row["title"] for row in rows}


def test_a_formula_title_is_defused_as_in_the_partner_export(client, settings):
    settings.PUBLIC_PAGE_SECONDS = 0
    formula = publish_event(ProposalFactory(status="approved", title=FORMULA))
    plain = publish_event(ProposalFactory(status="approved", title="Robots in the library"))

    titles = csv_titles(client)

    assert titles[formula.pk] == defuse(FORMULA) == "'" + FORMULA
    assert titles[plain.pk] == "Robots in the library"


@pytest.mark.parametrize("start", ["+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_defused(client, start):
    event = publish_event(ProposalFactory(status="approved", title=f"{start}1+1"))

    assert csv_titles(client)[event.pk] == f"'{start}1+1"
