"""The report after the event in a real browser: the numbers are filled in, a sum that is off is
shown next to its field (live while typing, and by the server on submit), fixed, and sent."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import Report
from tests.events import test_reports as journeys
from tests.factories import MembershipFactory
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposal():
    membership = MembershipFactory()
    proposal, _manager = journeys.approved_event(membership.organisation)
    proposal.member = membership.user
    return proposal


@pytest.fixture
def applicant(page, live_server, proposal):
    client = Client()
    client.force_login(proposal.member)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def test_fill_the_report_fix_a_sum_and_send_it(applicant, proposal):
    page = applicant
    page.goto(f"/my/proposals/{proposal.pk}/report/")
    expect(page.locator("#report-due")).to_contain_text("20")  # a date is shown

    page.get_by_label("Participants in total").fill("18")
    page.get_by_label("8 to 12").fill("11")
    page.get_by_label("13 to 16").fill("4")
    age_hint = page.locator("#hint-age_bands")
    # The page's own hint, or the saved draft's message that may replace it: both give the sums.
    expect(age_hint).to_contain_text(re.compile(r"add up to 15, but 18 took part in all"))

    page.get_by_label("Girls and women").fill("9")
    page.get_by_label("Boys and men").fill("8")
    page.get_by_label("Another gender or not stated").fill("1")
    # No complaint: the page's "Adds up to the total.", or the saved draft's empty hint.
    expect(page.locator("#hint-genders")).not_to_contain_text("but")
    page.get_by_label("Met coding for the first time").fill("12")
    page.locator("#id_only_possible_thanks_to_grant_0").check()  # yes
    page.get_by_label("What went well?").fill("Every team finished a game.")
    page.locator("input[name^='actual_']").fill("380")

    # Autosave: the draft is stored while typing.
    expect(page.locator("#report-form-section .save-status")).to_contain_text(
        re.compile("Saved at")
    )
    wait_until(
        lambda: Report.objects.filter(proposal=proposal, first_contact_with_coding=12).exists(),
        "the autosave",
    )

    page.get_by_role("button", name="Send the report").click()

    # The server refuses and says which field is off, next to it; what was typed stays.
    expect(page.locator("#report-problems")).to_be_visible()
    expect(page.locator("#field-age_bands")).to_contain_text(
        "The age bands add up to 15, but 18 took part in all"
    )
    expect(page.get_by_label("What went well?")).to_have_value("Every team finished a game.")
    assert Report.objects.get(proposal=proposal).status == Report.Status.DRAFT

    page.get_by_label("13 to 16").fill("7")
    expect(age_hint).to_contain_text("Adds up to the total.")
    page.get_by_role("button", name="Send the report").click()

    expect(page.locator("#report-status")).to_have_text("Submitted")
    expect(page.locator("#report-state")).to_contain_text("sent to the national partner")
    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.SUBMITTED
    assert (report.age_8_12, report.age_13_16, report.gender_female) == (11, 7, 9)
