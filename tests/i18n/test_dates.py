"""Dates written the way the reader's language writes them: "5 December 2026" in English,
"5. Dezember 2026" in German, "5 grudnia 2026" (the genitive) in Polish, on pages and in e-mails.
The moment is 5 December of next year, in winter time (CET): an upcoming event on any day.
Templates ask for Django's named formats; meetandcode/formats/ keeps English British."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from grants.reminders import send_draft_deadline_reminders
from organisations import delivery, notifications
from organisations.models import Notification
from tests.factories import MembershipFactory, ProposalFactory
from tests.public.test_public_events import make_event

BRUSSELS = ZoneInfo("Europe/Brussels")
Y = timezone.localdate().year + 1  # next year: the moment is in the future whatever the day
MOMENT = dt.datetime(Y, 12, 5, 18, 0, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("language", "date", "date_and_time", "day_and_month"),
    [
        ("en", f"5 December {Y}", f"5 December {Y}, 18:00", "5 December"),
        ("de", f"5. Dezember {Y}", f"5. Dezember {Y} 18:00", "5. Dezember"),
        ("fr", f"5 décembre {Y}", f"5 décembre {Y} 18:00", "5 décembre"),
        ("nl", f"5 december {Y}", f"5 december {Y} 18:00", "5 december"),
        ("it", f"5 dicembre {Y}", f"5 dicembre {Y}, 18:00", "5 dicembre"),
        ("pl", f"5 grudnia {Y}", f"5 grudnia {Y} 18:00", "5 grudnia"),
        ("ro", f"5 decembrie {Y}", f"5 decembrie {Y}, 18:00", "5 decembrie"),
        ("es", f"5 de diciembre de {Y}", f"5 de diciembre de {Y} a las 18:00", "5 de diciembre"),
        ("uk", f"05 грудня {Y} р.", f"05 грудня {Y} р. 18:00", "5 грудня"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, date, date_and_time, day_and_month):
    template = Template(
        '{{ moment|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}|'
        '{{ moment|date:"MONTH_DAY_FORMAT" }}'
    )
    with translation.override(language):
        written = template.render(Context({"moment": MOMENT}))

    assert written == f"{date}|{date_and_time}|{day_and_month}"


def test_english_times_are_24_hour_and_short_dates_put_the_day_first():
    template = Template('{{ moment|time:"TIME_FORMAT" }} {{ moment|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"moment": MOMENT})) == f"18:00 05/12/{Y} 18:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [("en", f"5 December {Y}"), ("de", f"5. Dezember {Y}"), ("pl", f"5 grudnia {Y}")],
)
def test_the_public_event_page_writes_its_date_in_the_pages_language(client, language, written):
    event = make_event(starts_at=MOMENT)
    with translation.override(language):
        page = reverse("events:event", args=[event.pk, event.slug])

    html = client.get(page).content.decode()

    assert f">{written}, 18:00</time>" in html
    assert "Dec. 5" not in html and "Grudzień" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", f"5 December {Y}, 18:00 CET"),
        ("de", f"5. Dezember {Y} 18:00 CET"),
        ("pl", f"5 grudnia {Y} 18:00 CET"),
    ],
)
def test_the_deadline_reminder_writes_the_deadline_in_the_recipients_language(language, written):
    member = MembershipFactory(user__language=language).user
    ProposalFactory(
        organisation=member.memberships.get().organisation,
        country_programme__application_deadline=MOMENT,
    )
    with translation.override("fr"):  # the task runs in whatever language; the reader decides
        send_draft_deadline_reminders(MOMENT - dt.timedelta(days=3))

    notification = Notification.objects.get(kind="draft_deadline", recipient=member)
    message = delivery.render(notification)

    assert notification.context["deadline"] == f"{Y}-12-05T18:00:00+01:00"  # JSON keeps ISO
    assert written in message.text
    assert written in message.html
    with translation.override(language):
        assert written in delivery.summary(notification)


@pytest.mark.django_db
def test_a_deadline_stored_before_dates_were_iso_is_shown_as_it_was():
    reader = MembershipFactory(user__language="de").user
    [row] = notifications.notify(
        "draft_deadline",
        recipients=[reader],
        context={"proposal": "Robots", "deadline": f"{Y}-12-05 18:00 CET"},
    )

    assert f"{Y}-12-05 18:00 CET" in delivery.render(row).text
