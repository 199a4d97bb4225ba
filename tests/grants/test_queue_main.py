"""The queue's main column is kept by what it shows (grants.queue_rows.main_column): a second
look renders nothing of it again; anything it shows changing (a count, a budget, a page, what
the person may do, a notification) gives another key, so it shows at once; and each person's
bulk form carries their own CSRF token."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants import queue_rows
from meetandcode.kernel.kept_bodies import mark
from organisations.models import PartnerStaff
from programmes.models import CountryProgramme
from tests.factories import PartnerStaffFactory, log_in_with_second_factor
from tests.grants.test_queue import (  # noqa: F401 (fixtures)
    S,
    _ids,
    _queue,
    _submitted,
    client,
    edition,
    lu,
    manager,
    partner,
)
from tests.kept_fragments import count_renders

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch) -> list:
    """The main columns the template rendered (not taken from the kept ones), by their query."""
    return count_renders(monkeypatch, queue_rows, "kept_main", lambda values: values["query"])


def _main(response) -> str:
    """The page's main column: from the title to the keyboard shortcuts' dialog."""
    page = response.content.decode()
    start = page.index("Review queue</h1>")
    return page[start : page.index('id="shortcut-help"', start)]


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _main(response))[1]


def test_a_second_look_renders_the_column_once_and_reads_the_same(client, lu, renders):  # noqa: F811
    _submitted(lu, title="Robots")

    first, second = _queue(client), _queue(client)

    assert renders == ["todo=all"]
    # the same but for the CSRF token, masked afresh at each request
    assert _main(first).replace(_token(first), "") == _main(second).replace(_token(second), "")
    assert "Robots" in _main(second)
    assert 'id="bulk-form"' in _main(second)


def test_a_new_proposal_a_budget_and_a_notification_show_at_once(client, lu, manager, renders):  # noqa: F811
    _submitted(lu, title="Robots")
    before = _main(_queue(client))

    _submitted(lu, title="Painting with code", status=S.APPROVED)
    CountryProgramme.objects.filter(pk=lu.pk).update(reserved=Decimal("1250.00"))
    manager.notifications.create(kind="proposal_submitted", context={"proposal": "Robots"})
    after = _main(_queue(client))

    assert "Painting with code" not in before and "Painting with code" in after
    assert "All <span" in after and '<span class="badge text-bg-light">2</span>' in after
    assert 'aria-valuenow="0"' in before and 'aria-valuenow="25"' in after
    assert "1 new" not in before and "1 new" in after
    assert renders == ["todo=all", "todo=all"]


def test_another_page_or_order_is_a_column_of_its_own(client, lu, renders):  # noqa: F811
    for n in range(52):
        _submitted(lu, title=f"Robots {n:02}")

    first = _queue(client, todo="all", sort="title")
    second = _queue(client, todo="all", sort="title", page=2)
    reversed_order = _queue(client, todo="all", sort="-title")

    assert "Page 1 of 2" in _main(first) and "Page 2 of 2" in _main(second)
    assert 'href="?todo=all&amp;sort=title&amp;page=2" rel="next"' in _main(first)
    assert 'aria-sort="ascending"' in _main(first)
    assert 'aria-sort="descending"' in _main(reversed_order)
    assert len(renders) == 3
    assert _ids(first) != _ids(reversed_order)


def test_a_reviewer_never_gets_a_manager_s_bulk_form(client, lu, partner, renders):  # noqa: F811
    _submitted(lu, title="Robots")
    reviewer = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
    as_reviewer = log_in_with_second_factor(Client(), reviewer)

    managers = _main(_queue(client))
    reviewers = _main(as_reviewer.get(reverse("grants:dashboard"), {"todo": "all"}))

    assert 'id="bulk-form"' in managers and "bulk-decision" in managers
    assert "bulk-decision" not in reviewers and 'name="proposals"' not in reviewers
    assert len(renders) == 2


def test_each_manager_decides_with_their_own_token_from_a_kept_column(lu, partner, renders):  # noqa: F811
    proposal = _submitted(lu, title="Robots")
    managers = [
        PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user for _ in (1, 2)
    ]
    clients = [log_in_with_second_factor(Client(enforce_csrf_checks=True), m) for m in managers]

    pages = [_queue(each) for each in clients]

    assert renders == ["todo=all"]  # the second manager's column was the kept one
    assert all(mark("csrf_token") not in page.content.decode() for page in pages)
    assert _token(pages[0]) != _token(pages[1])
    answer = clients[1].post(
        reverse("grants:bulk_decide"),
        {
            "csrfmiddlewaretoken": _token(pages[1]),
            "proposals": [proposal.pk],
            "decision": "approve",
            "queue_query": "todo=all",
        },
    )
    assert answer.status_code == 200
    assert "Robots" in answer.content.decode()
