"""The queue's plan and the pager's SQL, built once per person and filters (grants.queue_plan,
grants.workbench, issue 19): a second look builds nothing, and still shows the data as it is."""

import re

import pytest
from django.urls import reverse

from grants import queue_plan, workbench
from tests.grants.test_queue import (  # noqa: F401 (fixtures)
    _ids,
    _queue,
    _submitted,
    be,
    client,
    edition,
    lu,
    manager,
    partner,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Where the queue's filters were built: "queue" (a plan) or "pager" (its SQL)."""
    built: list[str] = []

    def counting(where, real):
        def build(*args, **kwargs):
            built.append(where)
            return real(*args, **kwargs)

        return build

    monkeypatch.setattr(queue_plan, "QueueFilter", counting("queue", queue_plan.QueueFilter))
    monkeypatch.setattr(workbench, "QueueFilter", counting("pager", workbench.QueueFilter))
    return built


def test_a_second_look_builds_no_plan_and_shows_what_changed(client, lu, builds):  # noqa: F811
    first = _submitted(lu, title="Robots")
    assert _ids(_queue(client)) == [first.pk]
    assert builds == ["queue"]

    second = _submitted(lu, title="Painting with code")
    page = _queue(client)

    assert builds == ["queue"]  # the same plan
    assert sorted(_ids(page)) == sorted([first.pk, second.pk])
    assert 'id="queue-total"' in page.content.decode()
    assert re.search(r'id="queue-total"[^>]*>\s*2 proposals', page.content.decode())


def test_other_filters_or_another_language_get_a_plan_of_their_own(client, lu, builds):  # noqa: F811
    _submitted(lu, title="Robots")
    _queue(client)
    _queue(client, todo="all", q="robots")
    german = client.get("/de/partner/", {"todo": "all"})
    assert builds == ["queue", "queue", "queue"]
    assert 'for="id_town">Ort</label>' in german.content.decode()


def test_the_pager_builds_its_query_once_and_follows_new_proposals(client, lu, builds):  # noqa: F811
    first, second = _submitted(lu, title="A"), _submitted(lu, title="B")
    _queue(client, todo="all", sort="title")
    url = reverse("grants:proposal", args=[first.pk])
    assert f'href="/partner/proposals/{second.pk}/"' in client.get(url).content.decode()

    between = _submitted(lu, title="AB")
    page = client.get(url).content.decode()

    assert f'href="/partner/proposals/{between.pk}/"' in page
    assert builds.count("pager") == 1


def _selectable(response) -> dict[str, tuple[int, str]]:
    """The bulk selection's "matching" figures per country: (how many, what they request)."""
    found = re.findall(
        r'<tr data-country="(\w+)" data-currency="\w+" data-remaining="[\d.]+" '
        r'data-matching-count="(\d+)" data-matching-total="([\d.]+)">',
        response.content.decode(),
    )
    return {country: (int(n), total) for country, n, total in found}


@pytest.mark.parametrize("scan", [{}, {"q": "robots"}])
def test_one_tally_gives_the_counts_and_what_can_be_decided_per_country(client, lu, be, scan):  # noqa: F811
    from decimal import Decimal

    from tests.grants.test_queue import S

    for amount in ("100", "250"):
        _submitted(lu, title="Robots", requested_amount=Decimal(amount))
    _submitted(lu, title="Robots", status=S.CHANGES_REQUESTED, requested_amount=Decimal("40"))
    _submitted(lu, title="Robots", status=S.APPROVED, requested_amount=Decimal("500"))
    _submitted(be, title="Robots", requested_amount=Decimal("300"))

    everything = _queue(client, todo="all", **scan)
    submitted = _queue(client, todo="all", status="submitted", **scan)
    approved = _queue(client, todo="all", status="approved", **scan)

    # only submitted proposals can be decided: not the one whose changes were asked for
    assert _selectable(everything) == {"LU": (2, "350.00"), "BE": (1, "300.00")}
    assert _selectable(submitted) == {"LU": (2, "350.00"), "BE": (1, "300.00")}
    assert _selectable(approved) == {"LU": (0, "0"), "BE": (0, "0")}
    page = everything.content.decode()
    assert re.search(r'data-status="submitted"[^>]*>\s*Submitted <span[^>]*>3</span>', page)
    assert re.search(r'data-status="approved"[^>]*>\s*Approved <span[^>]*>1</span>', page)
