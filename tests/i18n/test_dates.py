"""Dates written the way the reader's language writes them: "5 December 2026" in English,
"5. Dezember 2026" in German, "5 grudnia 2026" (the genitive) in Polish, on pages and in e-mails.
Templates ask for Django's named formats; meetandcode/formats/ keeps English British."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from events.reminders import send_draft_deadline_reminders
from organisations import notifications
from organisations.models import Notification
from tests.factories import MembershipFactory, ProposalFactory
from tests.public.test_public_events import make_event

BRUSSELS = ZoneInfo("Europe/Brussels")
SATURDAY = dt.datetime(2026, 12, 5, 18, 0, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("language", "date", "date_and_time", "day_and_month"),
    [
        ("en", "5 December 2026", "5 December 2026, 18:00", "5 December"),
        ("de", "5. Dezember 2026", "5. Dezember 2026 18:00", "5. Dezember"),
        ("fr", "5 décembre 2026", "5 décembre 2026 18:00", "5 décembre"),
        ("nl", "5 december 2026", "5 december 2026 18:00", "5 december"),
        ("it", "5 dicembre 2026", "5 dicembre 2026, 18:00", "5 dicembre"),
        ("pl", "5 grudnia 2026", "5 grudnia 2026 18:00", "5 grudnia"),
        ("ro", "5 decembrie 2026", "5 decembrie 2026, 18:00", "5 decembrie"),
        ("es", "5 de diciembre de 2026", "5 de diciembre de 2026 a las 18:00", "5 de diciembre"),
        ("uk", "05 грудня 2026 р.", "05 грудня 2026 р. 18:00", "5 грудня"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, date, date_and_time, day_and_month):
    template = Template(
        '{{ moment|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}|'
        '{{ moment|date:"MONTH_DAY_FORMAT" }}'
    )
    with translation.override(language):
        written = template.render(Context({"moment": SATURDAY}))

    assert written == f"{date}|{date_and_time}|{day_and_month}"


def test_english_times_are_24_hour_and_short_dates_put_the_day_first():
    template = Template('{{ moment|time:"TIME_FORMAT" }} {{ moment|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"moment": SATURDAY})) == "18:00 05/12/2026 18:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "5 December 2026"), ("de", "5. Dezember 2026"), ("pl", "5 grudnia 2026")],
)
def test_the_public_event_page_writes_its_date_in_the_pages_language(client, language, written):
    event = make_event(starts_at=SATURDAY)
    with translation.override(language):
        page = reverse("events:event", args=[event.pk, event.slug])

    html = client.get(page).content.decode()

    assert f">{written}, 18:00</time>" in html
    assert "Dec. 5" not in html and "Grudzień" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "5 December 2026, 18:00 CET"),
        ("de", "5. Dezember 2026 18:00 CET"),
        ("pl", "5 grudnia 2026 18:00 CET"),
    ],
)
def test_the_deadline_reminder_writes_the_deadline_in_the_recipients_language(language, written):
    member = MembershipFactory(user__language=language).user
    ProposalFactory(
        organisation=member.memberships.get().organisation,
        country_programme__application_deadline=SATURDAY,
    )
    with translation.override("fr"):  # the task runs in whatever language; the reader decides
        send_draft_deadline_reminders(SATURDAY - dt.timedelta(days=3))

    notification = Notification.objects.get(kind="draft_deadline", recipient=member)
    message = notifications.render(notification)

    assert notification.context["deadline"] == "2026-12-05T18:00:00+01:00"  # JSON keeps ISO
    assert written in message.text
    assert written in message.html
    with translation.override(language):
        assert written in notifications.summary(notification)


@pytest.mark.django_db
def test_a_deadline_stored_before_dates_were_iso_is_shown_as_it_was():
    reader = MembershipFactory(user__language="de").user
    [row] = notifications.notify(
        "draft_deadline",
        recipients=[reader],
        context={"proposal": "Robots", "deadline": "2026-12-05 18:00 CET"},
    )

    assert "2026-12-05 18:00 CET" in notifications.render(row).text
