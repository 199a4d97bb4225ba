"""The queue's rows are rendered once per content and kept (grants.queue_rows): a second look
renders no row again, and whatever a row shows changing (a review's score, a status, the
language, the right to select rows) shows at once, since it is part of the row's key."""

import pytest
from django.test import Client
from django.urls import reverse

from grants import queue_rows
from grants.models import Review
from meetandcode.kernel.fragments import KeptFragments
from meetandcode.kernel.memory import ByteLimitedLRU
from organisations.models import PartnerStaff
from tests.factories import PartnerStaffFactory, log_in_with_second_factor
from tests.grants.test_queue import (  # noqa: F401 (fixtures)
    S,
    _queue,
    _score,
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
def renders(monkeypatch) -> list[int]:
    """The proposal ids whose row the template rendered (not taken from the kept ones)."""
    rendered: list[int] = []
    real = queue_rows._context

    def counted(values, can_bulk):
        rendered.append(values["pk"])
        return real(values, can_bulk)

    monkeypatch.setattr(queue_rows, "_context", counted)
    fresh = KeptFragments(queue_rows.kept.template_name, queue_rows.KEPT_ROWS_BYTES)
    monkeypatch.setattr(queue_rows, "kept", fresh)
    # a main column kept by an earlier test showing the same values would hold its rows
    main = KeptFragments(queue_rows.kept_main.template_name, queue_rows.KEPT_MAIN_BYTES)
    monkeypatch.setattr(queue_rows, "kept_main", main)
    return rendered


def _row(response, proposal) -> str:
    page = response.content.decode()
    start = page.index(f'<tr data-proposal="{proposal.pk}"')
    return page[start : page.index("</tr>", start)]


def test_a_second_look_renders_no_row_again_and_reads_the_same(client, lu, renders):  # noqa: F811
    proposals = [_submitted(lu, title=f"Robots {n}") for n in range(3)]

    first = _queue(client)
    second = _queue(client)

    assert sorted(renders) == sorted(p.pk for p in proposals)  # once each, the first time
    for proposal in proposals:
        assert _row(first, proposal) == _row(second, proposal)
        assert f"Robots {proposal.title[-1]}" in _row(second, proposal)


def test_a_new_review_and_a_new_status_show_in_the_row_at_once(client, lu, renders):  # noqa: F811
    proposal = _submitted(lu, title="Robots")
    before = _row(_queue(client), proposal)

    _score(proposal, 4)
    proposal.status = S.CHANGES_REQUESTED
    proposal.save(update_fields=["status"])
    after = _row(_queue(client), proposal)

    assert '<td class="queue-reviews">0</td>' in before
    assert '<td class="queue-reviews">1</td>' in after
    assert "4.00" in after and "Changes requested" in after
    assert renders == [proposal.pk, proposal.pk]
    assert Review.objects.filter(proposal=proposal).count() == 1


def test_each_language_has_its_own_rows(client, lu, renders):  # noqa: F811
    proposal = _submitted(lu, title="Robots")
    english = _row(_queue(client), proposal)
    german = _row(client.get("/de/partner/"), proposal)

    assert "Submitted" in english and "Eingereicht" in german


def test_only_a_manager_gets_rows_to_select(client, lu, partner, renders):  # noqa: F811
    proposal = _submitted(lu, title="Robots")
    reviewer = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
    as_reviewer = log_in_with_second_factor(Client(), reviewer)

    managers_row = _row(_queue(client), proposal)
    reviewers_row = _row(as_reviewer.get(reverse("grants:dashboard")), proposal)

    assert 'name="proposals"' in managers_row
    assert 'name="proposals"' not in reviewers_row


def test_the_kept_rows_stay_within_their_characters():
    rows = ByteLimitedLRU(20, size_of=len)
    for n in range(3):
        rows.put(("en", n), f"<tr>{n}</tr>")  # 10 characters each
    rows.get(("en", 1))
    rows.put(("en", 3), "<tr>3</tr>")

    assert len(rows) == 2 and rows.size == 20
    assert rows.get(("en", 1)) == "<tr>1</tr>" and rows.get(("en", 2)) is None


# --- The filter form's fields, kept the same way ---------------------------------------------


@pytest.fixture
def filter_renders(monkeypatch) -> list:
    """The queries whose filter fields the template rendered (not taken from the kept ones)."""
    return count_renders(monkeypatch, queue_rows, "kept_filters", lambda values: values["data"])


def _filters(response) -> str:
    page = response.content.decode()
    start = page.index('<div class="row g-2">')
    return page[start : page.index('<div class="mt-3', start)]


def test_the_filter_fields_are_rendered_once_per_form_and_read_the_same(
    client,  # noqa: F811
    lu,  # noqa: F811
    filter_renders,
    settings,
):
    _submitted(lu, title="Robots")
    first = _filters(_queue(client, todo="all", town="Esch"))
    second = _filters(_queue(client, todo="all", town="Esch"))
    other = _filters(_queue(client, todo="all", town="Wiltz"))

    assert len(filter_renders) == 2  # the second look took the kept fields
    assert first == second and 'value="Esch"' in first
    assert 'value="Wiltz"' in other and 'value="Esch"' not in other
    # the same HTML as the template writes without the kept fields
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    queue_rows.kept_filters.kept = ByteLimitedLRU(queue_rows.KEPT_FILTERS_BYTES, size_of=len)
    assert _filters(_queue(client, todo="all", town="Esch")) == first


def test_an_error_a_language_and_a_renamed_focus_group_show_at_once(
    client,  # noqa: F811
    lu,  # noqa: F811
    filter_renders,
):
    from tests.factories import FocusGroupFactory

    group = FocusGroupFactory(code="girls", name="Girls")
    _submitted(lu, title="Robots")
    assert ">Girls</option>" in _filters(_queue(client, todo="all"))

    group.name = "Girls and young women"
    group.save()
    renamed = _filters(_queue(client, todo="all"))
    wrong = _filters(_queue(client, todo="all", min_score="9"))
    german = _filters(client.get("/de/partner/", {"todo": "all"}))

    assert ">Girls and young women</option>" in renamed
    assert "invalid-feedback" in wrong and "invalid-feedback" not in renamed
    assert 'for="id_town">Ort</label>' in german
    assert len(filter_renders) == 4


def test_the_filter_fields_key_holds_the_form_s_data_however_it_is_given():
    from django.http import QueryDict

    assert queue_rows._bound_data(QueryDict("town=Esch&todo=all")) == queue_rows._bound_data(
        {"todo": "all", "town": "Esch"}
    )
    assert queue_rows._bound_data({"town": "Esch"}) != queue_rows._bound_data({"town": "Wiltz"})
    assert queue_rows._bound_data(QueryDict("q=a&q=b")) != queue_rows._bound_data(QueryDict("q=a"))
