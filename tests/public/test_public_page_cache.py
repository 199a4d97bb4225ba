"""Whole public pages kept for visitors who are not signed in (meetandcode.kernel.page_cache): the
second visitor gets the page without the view or the database, with a CSP nonce and a CSRF
token of their own; signed-in people, sessions, messages and htmx requests never get a kept
page; an approval, a cancellation or a staff edit shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event
from grants.services import cancel_grant
from meetandcode.kernel import page_cache, redis_outage
from programmes.models import Edition
from tests.public.test_page_fragment_cache import page

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

NONCE = re.compile(r'<script[^>]* nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def rendered(response) -> bool:
    """The view rendered this answer (the test client saw its templates), or it was kept."""
    return bool(response.templates)


def event_url(event: Event) -> str:
    return reverse("events:event", args=[event.pk, event.slug])


def pages(event: Event) -> list[str]:
    return [reverse("home"), reverse("events:list"), event_url(event), reverse("public:impact")]


def test_a_second_visitor_gets_each_page_without_the_view_or_the_database(
    robots, django_assert_num_queries
):
    for url in pages(robots):
        first = Client().get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)

        assert first.status_code == second.status_code == 200
        assert rendered(first) and not rendered(second)
        assert without_per_answer_parts(second) == without_per_answer_parts(first)


def test_each_answer_has_its_own_nonce_in_its_scripts_and_its_policy(robots):
    url = reverse("events:list")  # the map's scripts carry the nonce
    answers = [Client().get(url) for _ in range(3)]

    nonces = []
    for answer in answers:
        in_page = set(NONCE.findall(answer.content.decode()))
        assert len(in_page) == 1, "every script of a page carries the answer's one nonce"
        (nonce,) = in_page
        assert f"'nonce-{nonce}'" in answer["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3
    assert page_cache.NONCE_MARK not in answers[-1].content.decode()


def test_a_kept_page_gives_each_visitor_a_token_that_works_with_their_own_cookie(robots):
    url = reverse("events:list")
    Client().get(url)  # the page is kept now
    visitor = Client(enforce_csrf_checks=True)

    answer = visitor.get(url)
    token = TOKEN.search(answer.content.decode()).group(1)
    switched = visitor.post(
        reverse("set_language"), {"language": "de", "next": url, "csrfmiddlewaretoken": token}
    )
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(url)  # a cookie of their own
    refused = stranger.post(
        reverse("set_language"), {"language": "de", "next": url, "csrfmiddlewaretoken": "x" * 64}
    )

    assert "csrftoken" in answer.cookies  # set for this visitor, who had none
    assert page_cache.TOKEN_MARK not in answer.content.decode()
    assert switched.status_code == 302 and switched["Location"].startswith("/de/")
    assert refused.status_code == 403


def test_a_signed_in_person_never_gets_a_kept_page_nor_leaves_one(client, robots, manager):
    url = reverse("events:list")
    Client().get(url)  # kept for visitors
    client.force_login(manager)

    signed_in = page(client, url)
    visitor = page(Client(), url)

    assert manager.email in signed_in and "Log out" in signed_in
    assert manager.email not in visitor and "Log in" in visitor


def test_sessions_messages_and_htmx_requests_get_a_page_rendered_for_them(robots):
    url = reverse("events:list")
    Client().get(url)
    with_session, with_message, htmx = Client(), Client(), Client()
    with_session.cookies["sessionid"] = "an-old-session"
    with_message.cookies["messages"] = "a-message"

    answers = [
        with_session.get(url),
        with_message.get(url),
        htmx.get(url, headers={"HX-Request": "true"}),
    ]
    again = Client().get(url)

    assert all(rendered(answer) for answer in answers)
    assert not rendered(again) and b"<!doctype html>" in again.content


def test_a_cancellation_and_a_staff_edit_show_at_once(robots, manager, commit):
    visitor = Client()
    assert "Robots" in page(visitor, reverse("home"))
    assert visitor.get(event_url(robots)).status_code == 200

    commit(cancel_grant, robots.proposal, actor=manager, reason="The school closed.")
    assert visitor.get(event_url(robots)).status_code == 404
    assert "Robots" not in page(visitor, reverse("home"))

    edition = Edition.objects.get()
    edition.name = "Meet and Code 2099"
    commit(edition.save)
    assert "Meet and Code 2099" in page(visitor, reverse("home"))


def test_languages_and_addresses_never_share_a_kept_page(robots):
    visitor = Client()  # literal addresses: reverse() follows the language the last answer set
    english, german = page(visitor, "/events/"), page(visitor, "/de/events/")
    robots, chess = page(visitor, "/events/", q="Robots"), page(visitor, "/events/", q="Chess")

    assert '<html lang="en"' in english and '<html lang="de"' in german
    assert "1 event" in robots and "0 events" in chess


def test_zero_seconds_renders_every_time(robots, settings):
    settings.PUBLIC_PAGE_SECONDS = 0

    answers = [Client().get(reverse("home")) for _ in range(2)]

    assert all(rendered(answer) for answer in answers)


def test_with_redis_down_every_page_is_rendered_and_answers(robots):
    redis_outage.mark_down(ConnectionError("Redis is down in this test"))
    try:
        answers = [Client().get(url) for url in pages(robots) for _ in range(2)]
    finally:
        redis_outage.reset()

    assert [a.status_code for a in answers] == [200] * 8


def without_per_answer_parts(response) -> str:
    text = response.content.decode()
    text = NONCE.sub("<script nonce=N", text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf=T", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": T', text)
