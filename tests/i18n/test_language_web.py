"""The site in nine languages: English without a prefix, the others under /de/, /fr/, ...; the
switcher keeps the page and its filters; a signed-in person's choice is kept and used at their
next login, and in their e-mails.

The pages are still in English words until the catalogues exist: these tests read the
``<html lang>``, the addresses and the stored choice, not translated text.
"""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from events.models import Event
from organisations import delivery, notifications
from organisations.models import AuditEntry, Notification, User
from tests.factories import PASSWORD, PAST_YEAR, UserFactory
from tests.public.test_public_events import make_event

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
HTML_LANG = re.compile(rb'<html lang="([a-z-]+)"')


def html_lang(response) -> str:
    return HTML_LANG.search(response.content).group(1).decode()


def switch(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_each_language_has_its_prefix_and_english_has_none(client, language):
    english = client.get("/events/")
    other = client.get(f"/{language}/events/")

    assert english.status_code == 200 and html_lang(english) == "en"
    assert other.status_code == 200 and html_lang(other) == language
    assert other["Content-Language"] == language
    with translation.override(language):
        assert reverse("events:list") == f"/{language}/events/"


def test_english_has_no_prefix_of_its_own(client):
    assert client.get("/en/events/").status_code == 404


def test_a_page_links_to_pages_in_its_own_language(client):
    body = client.get("/de/events/").content.decode()

    assert 'href="/de/impact/"' in body
    assert 'href="/impact/"' not in body


def test_the_feeds_health_probe_and_switcher_have_one_address_for_all_languages(client):
    for path in ("/events.geojson", "/events.ics", "/events.rss", "/events.csv", "/healthz"):
        assert client.get(path).status_code in (200, 503), path
        assert client.get(f"/de{path}").status_code == 404, path
    assert client.get("/de/i18n/setlang/").status_code == 404


def test_feeds_link_events_in_the_default_language_whatever_the_visitor_chose(client, settings):
    settings.SITE_URL = "https://grants.example"
    make_event()
    event = Event.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    feed = json.loads(client.get("/events.geojson", headers={"accept-language": "de"}).content)
    rss = client.get("/events.rss", headers={"accept-language": "fr"}).content.decode()

    [feature] = feed["features"]
    assert feature["properties"]["url"] == (
        f"https://grants.example/events/{event.pk}-{event.slug}/"
    )
    assert "https://grants.example/events/" in rss
    assert "grants.example/de/" not in rss and "grants.example/fr/" not in rss


def test_switching_keeps_the_page_and_its_filters(client):
    to_german = switch(client, "de", f"/events/?country=LU&date_from={PAST_YEAR}-01-01")
    back = switch(client, "en", f"/de/events/?country=LU&date_from={PAST_YEAR}-01-01#map")
    across = switch(client, "uk", "/pl/my/proposals/5/edit/")

    assert to_german.status_code == 302
    assert to_german["Location"] == f"/de/events/?country=LU&date_from={PAST_YEAR}-01-01"
    assert to_german.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert back["Location"] == f"/events/?country=LU&date_from={PAST_YEAR}-01-01#map"
    assert across["Location"] == "/uk/my/proposals/5/edit/"


def test_the_switcher_posts_the_page_with_its_query_string(client):
    body = client.get("/fr/events/?country=LU").content.decode()

    assert f'action="{reverse("set_language")}"' in body
    assert 'name="next" value="/fr/events/?country=LU"' in body
    assert '<option value="fr" lang="fr" selected>' in body


def test_switching_never_sends_the_person_to_another_site(client):
    response = switch(client, "de", "https://elsewhere.example/phish")

    assert response["Location"] == "/de/"


def test_an_unknown_language_changes_nothing(client):
    response = switch(client, "xx", "/events/")

    assert response["Location"] == "/events/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_is_a_post(client):
    assert client.get(reverse("set_language"), {"language": "de"}).status_code == 405


def test_a_signed_in_person_keeps_the_language_they_chose_with_an_audit_entry(client):
    user = UserFactory()
    client.force_login(user)

    switch(client, "ro", "/my/")
    switch(client, "ro", "/ro/my/")  # the same choice again: nothing to record

    user.refresh_from_db()
    assert user.language == "ro"
    [entry] = AuditEntry.objects.filter(action="user.language", object_id=user.pk)
    assert (entry.actor, entry.from_state, entry.to_state) == (user, "en", "ro")


def test_an_anonymous_switch_stores_nothing(client):
    switch(client, "de", "/events/")

    assert not AuditEntry.objects.filter(action="user.language").exists()


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_login_goes_on_in_the_language_the_person_chose_before(client, settings):
    user = _verified(UserFactory(language="pl"))

    response = client.post(
        "/accounts/login/?next=/events/%3Fcountry%3DLU",
        {"login": user.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/pl/events/?country=LU"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert html_lang(client.get(response["Location"])) == "pl"


def test_login_on_a_german_page_of_an_english_reader_goes_on_in_english(client, settings):
    user = _verified(UserFactory(language="en"))

    response = client.post("/de/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert not response["Location"].startswith("/de/")


def test_sign_up_keeps_the_language_of_the_page(client, settings):
    response = client.post(
        "/nl/accounts/signup/",
        {
            "email": "vrijwilliger@example.org",
            "password1": "kites-over-the-harbour-42",
            "password2": "kites-over-the-harbour-42",
            "accept_privacy": "on",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="vrijwilliger@example.org").language == "nl"


def test_a_notification_links_to_the_page_in_the_recipients_language():
    reader = UserFactory(language="it")
    with translation.override("de"):  # caused by someone reading the site in German
        [row] = notifications.notify(
            "report_due",
            recipients=[reader],
            context={"proposal": "Robots"},
            url=notifications._url("organisations:mine"),
        )

    message = delivery.render(Notification.objects.get(pk=row.pk))

    assert row.url == "/my/"
    assert f"{settings.SITE_URL.rstrip('/')}/it/my/" in message.text


def test_the_in_app_notification_links_in_the_language_of_the_page(client):
    reader = UserFactory()
    notifications.notify(
        "report_due", recipients=[reader], context={"proposal": "Robots"}, url="/my/"
    )
    client.force_login(reader)

    body = client.get("/es/my/").content.decode()

    assert 'href="/es/my/"' in body


def test_a_new_privacy_notice_is_asked_for_on_prefixed_pages_but_not_on_the_notice(
    client, settings
):
    from organisations.models import Consent

    user = UserFactory()
    Consent.objects.create(user=user, version="v1")
    settings.PRIVACY_NOTICE_VERSION = "v2"
    client.force_login(user)

    asked = client.get("/de/my/")
    notice = client.get("/de/privacy/")

    assert asked.status_code == 302
    assert asked["Location"].startswith("/de/my/account/privacy/")
    assert notice.status_code == 200


def test_an_account_mail_links_in_the_language_the_person_chose(client, mailoutbox):
    user = _verified(UserFactory(language="de"))

    client.post("/accounts/password/reset/", {"email": user.email})  # asked on an English page

    [mail] = mailoutbox
    assert re.search(r"https?://[^/\s]+/de/accounts/password/reset/key/\S+", mail.body), mail.body
