"""The edit page says where the call stands for the proposal's country, before any typing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.call_status import call_status
from tests.factories import LUXEMBOURG, EditionFactory, MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return ProposalFactory(organisation=membership.organisation)


def on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LUXEMBOURG)


def status_on_page(client, proposal, moment) -> str:
    with time_machine.travel(moment, tick=False):
        page = client.get(reverse("events:edit", args=[proposal.pk])).content.decode()
    start = page.index('id="call-status"')
    return " ".join(page[start : page.index("</div>", start)].split())


def deadline_of(proposal) -> str:
    return date_format(timezone.localtime(proposal.country_programme.deadline), "DATETIME_FORMAT")


def test_before_the_call_the_page_says_when_it_opens(client, draft):
    edition = draft.country_programme.edition
    said = status_on_page(client, draft, on(edition.applications_open - dt.timedelta(days=10)))
    opens = date_format(edition.applications_open, "DATE_FORMAT")
    assert f"The call for Luxembourg is not open yet: it opens on {opens}" in said
    assert deadline_of(draft) in said
    assert "alert-info" in said


def test_during_the_call_the_page_counts_the_days_to_the_countrys_deadline(client, draft):
    deadline = timezone.localtime(draft.country_programme.deadline)
    said = status_on_page(client, draft, on(deadline.date() - dt.timedelta(days=12)))
    assert f"12 days left: the deadline for Luxembourg is {deadline_of(draft)}." in said
    assert "alert-info" in said and "Only" not in said


def test_a_country_closing_early_counts_to_its_own_deadline(client, draft):
    programme = draft.country_programme
    programme.application_deadline = programme.edition.application_deadline - dt.timedelta(days=5)
    programme.save()
    moment = on(timezone.localdate(programme.deadline) - dt.timedelta(days=12))
    said = status_on_page(client, draft, moment)
    assert f"12 days left: the deadline for Luxembourg is {deadline_of(draft)}." in said


@pytest.mark.parametrize(("days", "words"), [(2, "Only 2 days left!"), (1, "Only 1 day left!")])
def test_in_the_last_days_it_is_said_urgently(client, draft, days, words):
    deadline = timezone.localtime(draft.country_programme.deadline)
    said = status_on_page(client, draft, on(deadline.date() - dt.timedelta(days=days)))
    assert f"{words} The deadline for Luxembourg is {deadline_of(draft)}." in said
    assert "alert-warning" in said and 'role="alert"' in said


def test_three_days_before_it_is_not_urgent_yet(client, draft):
    deadline = timezone.localtime(draft.country_programme.deadline)
    said = status_on_page(client, draft, on(deadline.date() - dt.timedelta(days=3)))
    assert "3 days left: the deadline" in said and "alert-info" in said


def test_on_the_last_day_it_says_until_what_time(client, draft):
    deadline = timezone.localtime(draft.country_programme.deadline)
    said = status_on_page(client, draft, on(deadline.date(), hour=9))
    time = date_format(deadline, "TIME_FORMAT")
    assert f"Last day! The deadline for Luxembourg is today at {time}." in said


def test_after_the_deadline_with_no_next_call_announced(client, draft):
    deadline = draft.country_programme.deadline
    said = status_on_page(client, draft, deadline + dt.timedelta(minutes=1))
    assert f"The call for Luxembourg closed on {deadline_of(draft)}" in said
    assert "can no longer be submitted" in said
    assert "The next call has not been announced yet." in said
    assert "alert-danger" in said


def test_after_the_deadline_the_next_call_is_announced(client, draft):
    edition = draft.country_programme.edition
    following = EditionFactory(year=edition.year + 1)
    said = status_on_page(client, draft, draft.country_programme.deadline + dt.timedelta(days=1))
    opens = date_format(following.applications_open, "DATE_FORMAT")
    assert f"The next call opens on {opens}." in said


def test_the_countrys_early_deadline_closes_its_call_before_the_editions():
    proposal = ProposalFactory()
    programme = proposal.country_programme
    edition_deadline = programme.edition.application_deadline
    programme.application_deadline = edition_deadline - dt.timedelta(days=5)
    assert call_status(programme, now=edition_deadline - dt.timedelta(days=1)).phase == "closed"
    assert programme.edition.phase(edition_deadline - dt.timedelta(days=1)) == "open"
