"""The public pages keep their visitor-independent parts (the map page's list and filters, the
event page's body, the home page's upcoming events) in the cache; an approval or a cancellation
shows on them at once, and no fragment crosses languages, filters or per-response parts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal
from grants.services import approve_proposal, cancel_grant, publish_event
from tests.factories import CountryProgrammeFactory, ProposalFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def upcoming(programme, title: str, status=Proposal.Status.SUBMITTED) -> Proposal:
    starts = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    return ProposalFactory(
        country_programme=programme,
        status=status,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        requested_amount=Decimal("300.00"),
    )


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_an_approval_and_a_cancellation_show_on_the_map_page_and_home_at_once(
    client, programme, manager, robots, commit
):
    for url in (reverse("events:list"), reverse("home")):
        assert "Robots" in page(client, url) and "Scratch" not in page(client, url)

    scratch = upcoming(programme, "Scratch")
    commit(approve_proposal, scratch, actor=manager)
    for url in (reverse("events:list"), reverse("home")):
        assert "Scratch" in page(client, url)
    assert "2 events" in page(client, reverse("events:list"))

    commit(cancel_grant, scratch, actor=manager, reason="The school closed.")
    for url in (reverse("events:list"), reverse("home")):
        assert "Scratch" not in page(client, url) and "Robots" in page(client, url)


def test_an_event_page_shows_a_change_at_once_and_is_gone_once_cancelled(
    client, manager, robots, commit
):
    url = reverse("events:event", args=[robots.pk, robots.slug])
    body = '<div class="event-description mb-3"><p>Bring a laptop.</p></div>'
    assert "Robots" in page(client, url) and body not in page(client, url)

    def describe():
        robots.description = "Bring a laptop."
        robots.save(update_fields=["description"])  # events.signals bumps the version on commit

    commit(describe)
    assert body in page(client, url)

    commit(cancel_grant, robots.proposal, actor=manager, reason="The school closed.")
    assert client.get(url).status_code == 404


def test_the_map_page_list_differs_with_the_filters_and_the_page(client, programme, commit):
    for title in ("Robots", "Chess"):
        commit(publish_event, upcoming(programme, title, status=Proposal.Status.APPROVED))
    url = reverse("events:list")
    assert "Robots" in page(client, url) and "Chess" in page(client, url)

    robots_only = page(client, url, q="Robots")
    assert "Robots" in robots_only and "Chess" not in robots_only
    assert 'value="Robots"' in robots_only  # the filter form shows this visitor's own query
    chess_only = page(client, url, q="Chess")
    assert "Chess" in chess_only and "Robots" not in chess_only and 'value="Chess"' in chess_only


def test_two_languages_never_share_a_cached_fragment(client, robots):
    event_url = reverse("events:event", args=[robots.pk, robots.slug])
    english = [page(client, reverse("events:list")), page(client, event_url)]
    german = [page(client, "/de" + reverse("events:list")), page(client, "/de" + event_url)]
    assert "Free coding events for young people" in english[0]
    assert "Free coding events for young people" not in german[0]
    assert "All events" in english[1] and "All events" not in german[1]
    assert 'href="/de/events/"' in german[1]  # the cached links carry the language too


def test_per_response_parts_stay_fresh_with_a_cached_list(client, robots):
    url = reverse("events:list")
    first, second = client.get(url), client.get(url)
    nonces = [
        re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"])[1] for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f'nonce="{nonce}"' in response.content.decode()
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode())[1]
        for r in (first, second)
    ]
    assert tokens[0] != tokens[1]  # the language switcher's form token, masked afresh each time
    assert "sessionid" not in second.cookies  # an anonymous GET saves no session


def test_a_signed_in_person_sees_their_own_menu_around_a_cached_list(client, robots, manager):
    page(client, reverse("events:list"))  # the list is cached by an anonymous visit
    client.force_login(manager)
    body = page(client, reverse("events:list"))
    assert "Robots" in body and manager.email in body and "Log out" in body


def test_home_lists_a_country_added_to_the_edition_at_once_in_each_language(
    client, programme, commit
):
    assert "Slovenia" not in page(client, "/")
    assert "Slowenien" not in page(client, "/de/")

    commit(CountryProgrammeFactory, edition=programme.edition, country="SI")  # as staff save it

    assert "Slovenia" in page(client, "/")
    german = page(client, "/de/")
    assert "Slowenien" in german and "Slovenia" not in german
