"""The report after the event: the applicant's draft, its sums, submitting it, the partner's
decision, who may see it, and what a cancelled or a held event shows the public."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import public as public_events
from events.models import Event, Proposal, Report
from grants.services import approve_proposal, cancel_grant
from organisations.models import AuditEntry, Notification, PartnerStaff
from programmes.models import CountryProgramme
from tests.factories import (
    PAST_YEAR,
    BudgetLineFactory,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    log_in_with_second_factor,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The factories' events are in PAST_YEAR: the public list and feeds show past events when asked to.
FEED = f"/events.geojson?date_from={PAST_YEAR}-01-01"
LIST = f"/events/?date_from={PAST_YEAR}-01-01"

# 18 participants that add up: ages 11 + 7, genders 9 + 8 + 1.
COMPLETE = {
    "participants_total": "18",
    "age_under_8": "0",
    "age_8_12": "11",
    "age_13_16": "7",
    "age_17_24": "0",
    "age_over_24": "0",
    "gender_female": "9",
    "gender_male": "8",
    "gender_other": "1",
    "refugees": "3",
    "migration_background": "5",
    "disability": "1",
    "low_income": "4",
    "no_own_device": "6",
    "deprived_area": "2",
    "first_contact_with_coding": "12",
    "only_possible_thanks_to_grant": "yes",
    "went_well": "The children built three games.",
    "went_badly": "The wifi was slow.",
}


def approved_event(organisation=None, *, programme=None, starts_at=None):
    """A proposal approved through the services (grant, budget, public event), with one budget
    line, and the partner's manager who approved it."""
    programme = programme or CountryProgrammeFactory()
    proposal = ProposalFactory(
        organisation=organisation or MembershipFactory().organisation,
        country_programme=programme,
    )
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
    submit_in_window(proposal, actor=manager)
    approve_proposal(proposal, actor=manager)
    if starts_at:  # an event still to come (the edition's window is in the past)
        Proposal.objects.filter(pk=proposal.pk).update(
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
        )
    proposal.refresh_from_db()
    return proposal, manager


def with_costs(proposal, data=None, amount="380.00"):
    line = proposal.budget_lines.get()
    return {**(data or COMPLETE), f"actual_{line.pk}": amount}


def url(name, proposal, *args):
    return reverse(f"events:{name}", args=[proposal.pk, *args])


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def applicant(member):
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def approved(member):
    return approved_event(member.organisation)


@pytest.fixture
def proposal(approved):
    return approved[0]


@pytest.fixture
def partner(approved):
    return log_in_with_second_factor(Client(), approved[1])


# --- The applicant's form ----------------------------------------------------------------------


def test_report_page_shows_when_it_is_due(applicant, proposal):
    response = applicant.get(url("report", proposal))

    due = proposal.ends_at + dt.timedelta(hours=48)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-due"' in html
    assert due.isoformat() in html or timezone.localtime(due).isoformat() in html
    assert 'name="participants_total"' in html
    assert f'name="actual_{proposal.budget_lines.get().pk}"' in html


def test_due_date_follows_the_country_programme(applicant, proposal):
    CountryProgramme.objects.filter(pk=proposal.country_programme_id).update(
        report_deadline_hours=72
    )
    response = applicant.get(url("report", proposal))

    due = timezone.localtime(proposal.ends_at + dt.timedelta(hours=72))
    assert due.isoformat() in response.content.decode()


def test_a_draft_autosaves_and_survives_a_reload(applicant, proposal):
    half = {"participants_total": "18", "age_8_12": "11", "went_well": "Robots!"}

    saved = applicant.post(url("report_save", proposal), half, **HTMX)
    reloaded = applicant.get(url("report", proposal)).content.decode()

    assert saved.status_code == 200
    assert "Saved at" in saved.content.decode()
    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.DRAFT
    assert (report.participants_total, report.age_8_12) == (18, 11)
    assert 'value="18"' in reloaded and 'value="11"' in reloaded
    assert "Robots!" in reloaded


def test_autosave_tells_which_sum_is_off_without_refusing_the_draft(applicant, proposal):
    response = applicant.post(
        url("report_save", proposal), {"participants_total": "18", "age_8_12": "15"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="hint-age_bands" ' in html and 'hx-swap-oob="true"' in html
    assert "add up to 15, but 18 took part" in html
    assert Report.objects.get(proposal=proposal).age_8_12 == 15


def test_an_ended_session_answers_401_so_the_page_keeps_the_input(proposal):
    response = Client().post(url("report_save", proposal), {"went_well": "Fun"}, **HTMX)

    assert response.status_code == 401  # static/js/proposal-form.js keeps what was typed
    assert not Report.objects.filter(proposal=proposal).exists()


def test_a_typing_error_is_named_and_nothing_typed_is_lost(applicant, proposal):
    response = applicant.post(
        url("report_save", proposal), {"participants_total": "many", "went_well": "Fun"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a whole number" in html
    assert 'value="many"' in html and "Fun" in html


def test_ages_that_do_not_add_up_are_refused_naming_the_field(applicant, proposal):
    data = with_costs(proposal, {**COMPLETE, "age_13_16": "4"})  # 11 + 4 = 15, not 18

    response = applicant.post(url("report_submit", proposal), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "The age bands add up to 15, but 18 took part in all" in html
    assert 'href="#field-age_bands"' in html  # the list at the top links to the field
    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.DRAFT
    assert report.age_13_16 == 4  # what was typed is kept
    assert 'value="4"' in html


def test_genders_and_groups_above_the_total_are_named(applicant, proposal):
    wrong = {"gender_other": "3", "refugees": "30", "first_contact_with_coding": "19"}
    data = with_costs(proposal, {**COMPLETE, **wrong})

    html = applicant.post(url("report_submit", proposal), data).content.decode()

    assert "add up to 20, but 18 took part in all" in html
    assert "30 is more than the 18 people" in html
    assert "19 is more than the 18 people" in html
    assert Report.objects.get(proposal=proposal).status == Report.Status.DRAFT


def test_missing_answers_and_costs_are_named(applicant, proposal):
    data = {**COMPLETE, "only_possible_thanks_to_grant": ""}

    html = applicant.post(url("report_submit", proposal), data).content.decode()

    assert "Answer yes or no." in html
    assert "Enter what this line actually cost" in html


def test_a_complete_report_is_submitted_and_the_partner_told(applicant, proposal, approved):
    manager = approved[1]

    response = applicant.post(url("report_submit", proposal), with_costs(proposal))

    assert response.status_code == 302
    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_at is not None
    assert report.only_possible_thanks_to_grant is True
    assert proposal.budget_lines.get().actual_amount == Decimal("380.00")
    assert AuditEntry.objects.filter(action="report.submit", object_id=report.pk).exists()
    assert Notification.objects.filter(recipient=manager, kind="report_submitted").exists()
    page = applicant.get(url("report", proposal)).content.decode()
    assert "was sent to the national partner" in page
    assert 'name="participants_total"' not in page  # no longer a form


def test_a_submitted_report_can_no_longer_be_changed(applicant, proposal):
    applicant.post(url("report_submit", proposal), with_costs(proposal))

    applicant.post(url("report_save", proposal), {**COMPLETE, "participants_total": "99"})

    assert Report.objects.get(proposal=proposal).participants_total == 18


def test_the_report_opens_when_the_event_starts(applicant, member):
    later = timezone.now() + dt.timedelta(days=10)
    proposal, _manager = approved_event(member.organisation, starts_at=later)

    page = applicant.get(url("report", proposal)).content.decode()
    applicant.post(url("report_save", proposal), {"participants_total": "5"})

    assert 'id="report-not-open"' in page
    assert not Report.objects.filter(proposal=proposal).exists()


def test_the_dashboard_says_when_the_report_is_due(applicant, proposal):
    due = timezone.localtime(proposal.ends_at + dt.timedelta(hours=48))

    html = applicant.get(reverse("organisations:mine")).content.decode()

    assert "Report overdue since" in html or "Report due on" in html
    assert url("report", proposal) in html
    assert str(due.year) in html


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Report.Status.SUBMITTED, "Report sent: the partner reads it"),
        (Report.Status.ACCEPTED, "Report accepted: nothing more to do"),
    ],
)
def test_once_the_report_is_sent_the_dashboard_no_longer_says_run_your_event(
    applicant, proposal, status, step
):
    ReportFactory(proposal=proposal, status=status)

    html = applicant.get(reverse("organisations:mine")).content.decode()

    assert step in html and "Run your event" not in html
    assert url("report", proposal) in html
    assert applicant.get(url("report", proposal)).status_code == 200


# --- Who may see it ---------------------------------------------------------------------------


def test_another_organisation_gets_404(proposal):
    stranger = Client()
    stranger.force_login(MembershipFactory().user)

    assert stranger.get(url("report", proposal)).status_code == 404
    assert stranger.post(url("report_save", proposal), COMPLETE).status_code == 404
    assert stranger.post(url("report_submit", proposal), COMPLETE).status_code == 404
    assert not Report.objects.filter(proposal=proposal).exists()


def test_a_proposal_not_approved_has_no_report(applicant, member):
    draft = ProposalFactory(organisation=member.organisation)

    assert applicant.get(url("report", draft)).status_code == 404


def test_partner_of_another_country_gets_404(applicant, proposal):
    applicant.post(url("report_submit", proposal), with_costs(proposal))
    germany = CountryProgrammeFactory(country="DE", currency="EUR")
    other = PartnerStaffFactory(partner=germany.partner, role=PartnerStaff.Role.MANAGER).user
    client = log_in_with_second_factor(Client(), other)

    assert client.post(reverse("events:report_accept", args=[proposal.pk])).status_code == 404
    response = client.post(
        reverse("events:report_request_changes", args=[proposal.pk]), {"message": "No"}
    )
    assert response.status_code == 404
    assert Report.objects.get(proposal=proposal).status == Report.Status.SUBMITTED


def test_a_reviewer_may_read_but_not_decide(applicant, proposal):
    applicant.post(url("report_submit", proposal), with_costs(proposal))
    reviewer = PartnerStaffFactory(
        partner=proposal.country_programme.partner, role=PartnerStaff.Role.REVIEWER
    ).user
    client = log_in_with_second_factor(Client(), reviewer)

    page = client.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()
    refused = client.post(reverse("events:report_accept", args=[proposal.pk]))

    assert 'id="report-total"' in page
    assert 'id="accept-report-form"' not in page
    assert refused.status_code == 403
    assert Report.objects.get(proposal=proposal).status == Report.Status.SUBMITTED


# --- The partner's review ---------------------------------------------------------------------


def test_partner_reads_the_report_and_accepts_it(applicant, partner, proposal, member):
    applicant.post(url("report_submit", proposal), with_costs(proposal))

    page = partner.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()
    response = partner.post(reverse("events:report_accept", args=[proposal.pk]))

    assert '<dd class="col-sm-6" id="report-total">18</dd>' in page
    assert "380.00" in page  # the actual cost next to the planned one
    assert response.status_code == 302
    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.ACCEPTED and report.accepted_at is not None
    assert AuditEntry.objects.filter(
        action="report.accept", object_id=report.pk, from_state="submitted", to_state="accepted"
    ).exists()
    assert Notification.objects.filter(recipient=member.user, kind="report_accepted").exists()
    event = Event.objects.get(proposal=proposal)
    assert event.status == Event.Status.HELD
    public = Client().get(reverse("events:event", args=[event.pk, event.slug]))
    assert "This event has taken place." in public.content.decode()


def test_partner_requests_changes_and_the_applicant_resubmits(applicant, partner, proposal, member):
    applicant.post(url("report_submit", proposal), with_costs(proposal))
    message = "Please split the 18 participants by gender again: we count 9 girls."

    partner.post(reverse("events:report_request_changes", args=[proposal.pk]), {"message": message})

    report = Report.objects.get(proposal=proposal)
    assert report.status == Report.Status.CHANGES_REQUESTED
    entry = AuditEntry.objects.get(action="report.request_changes", object_id=report.pk)
    assert entry.message == message
    notice = Notification.objects.get(recipient=member.user, kind="report_changes_requested")
    assert notice.context["message"] == message
    page = applicant.get(url("report", proposal)).content.decode()
    assert message in page and 'name="participants_total"' in page

    data = with_costs(proposal, {**COMPLETE, "gender_female": "10", "gender_male": "7"})
    applicant.post(url("report_submit", proposal), data)

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.gender_female == 10
    timeline = partner.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()
    assert "report.request_changes" in timeline and message in timeline


def test_a_report_being_changed_may_stop_adding_up_until_it_is_sent(applicant, partner, proposal):
    applicant.post(url("report_submit", proposal), with_costs(proposal))
    message = "Count the helpers out."
    partner.post(reverse("events:report_request_changes", args=[proposal.pk]), {"message": message})

    saved = applicant.post(
        url("report_save", proposal),
        with_costs(proposal, {**COMPLETE, "participants_total": "15"}),
        **HTMX,
    )

    assert saved.status_code == 200
    report = Report.objects.get(proposal=proposal)
    assert (report.status, report.participants_total) == (Report.Status.DRAFT, 15)
    assert AuditEntry.objects.filter(
        action="report.edit", from_state="changes_requested", to_state="draft"
    ).exists()
    assert message in applicant.get(url("report", proposal)).content.decode()
    fixed = {**COMPLETE, "participants_total": "15", "age_13_16": "4", "gender_male": "5"}
    applicant.post(url("report_submit", proposal), with_costs(proposal, fixed))
    assert Report.objects.get(proposal=proposal).status == Report.Status.SUBMITTED
    assert message not in applicant.get(url("report", proposal)).content.decode()


def test_a_request_for_changes_needs_a_message(applicant, partner, proposal):
    applicant.post(url("report_submit", proposal), with_costs(proposal))

    partner.post(reverse("events:report_request_changes", args=[proposal.pk]), {"message": " "})

    assert Report.objects.get(proposal=proposal).status == Report.Status.SUBMITTED


def test_only_a_submitted_report_is_decided(partner, proposal, applicant):
    applicant.post(url("report_save", proposal), COMPLETE)  # a draft

    partner.post(reverse("events:report_accept", args=[proposal.pk]))

    assert Report.objects.get(proposal=proposal).status == Report.Status.DRAFT
    assert Event.objects.get(proposal=proposal).status == Event.Status.SCHEDULED


# --- A cancelled event leaves the map --------------------------------------------------------


def test_a_cancelled_grant_releases_its_budget_and_leaves_the_map(
    approved, django_capture_on_commit_callbacks
):
    proposal, manager = approved
    event = Event.objects.get(proposal=proposal)
    programme = proposal.country_programme
    public = Client()
    before = json.loads(public.get(FEED).content)  # now in the feed cache
    assert programme.reserved == proposal.grant.amount
    assert event.title in public.get(LIST).content.decode()
    assert [f["properties"]["title"] for f in before["features"]] == [event.title]

    with django_capture_on_commit_callbacks(execute=True):
        cancel_grant(proposal, actor=manager, reason="The venue closed.")

    programme.refresh_from_db()
    proposal.refresh_from_db()
    assert programme.reserved == Decimal("0")
    assert proposal.status == Proposal.Status.CANCELLED
    assert Event.objects.get(proposal=proposal).status == Event.Status.CANCELLED
    after = json.loads(public.get(FEED).content)
    assert after["features"] == []
    assert event.title not in public.get(LIST).content.decode()
    assert public.get(reverse("events:event", args=[event.pk, event.slug])).status_code == 404


def test_a_held_event_stays_on_the_map_and_the_feeds_are_refreshed(
    applicant, partner, proposal, django_capture_on_commit_callbacks
):
    applicant.post(url("report_submit", proposal), with_costs(proposal))
    public = Client()
    public.get(FEED)
    cached_under = public_events.version()

    with django_capture_on_commit_callbacks(execute=True):
        partner.post(reverse("events:report_accept", args=[proposal.pk]))

    assert public_events.version() != cached_under  # the cached feeds are stale now
    feed = json.loads(public.get(FEED).content)
    assert [f["id"] for f in feed["features"]] == [proposal.event.pk]
