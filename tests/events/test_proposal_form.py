"""The applicant's journey through the proposal form: sections, budget, submit, withdraw."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Proposal
from grants.services import request_changes
from organisations.models import AuditEntry, OrganisationValidation
from tests.factories import (
    LUXEMBOURG,
    BudgetLineFactory,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_edition(settings):
    # Keep the factories' edition (PAST_YEAR) open whatever today's date is.
    programme = CountryProgrammeFactory()
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    return programme


@pytest.fixture
def member(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def validate(organisation, edition):
    OrganisationValidation.objects.create(
        organisation=organisation, edition=edition, status=OrganisationValidation.Status.VALIDATED
    )


def section_url(proposal, section):
    return reverse("events:save_section", args=[proposal.pk, section])


def test_start_creates_a_draft_and_opens_its_form(client, member, open_edition):
    response = client.post(reverse("events:start"), {"organisation": member.organisation.pk})
    proposal = Proposal.objects.get(organisation=member.organisation)
    assert response.url == reverse("events:edit", args=[proposal.pk])
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.country_programme == open_edition
    assert client.get(response.url).status_code == 200


def test_section_save_keeps_values_and_survives_reload(client, member):
    draft = ProposalFactory(organisation=member.organisation, title="", description="")
    response = client.post(
        section_url(draft, "event"),
        {"event-title": "Robots at the library", "event-description": "", "event-format": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    # Only the status is swapped, so what the person typed meanwhile stays in the form.
    assert response["HX-Retarget"] == "#section-event .save-status"
    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()
    assert 'value="Robots at the library"' in page
    assert "0 / 3000" in page  # counters are there before any typing


def test_invalid_section_answers_400_for_htmx_and_keeps_the_input(client, member):
    draft = ProposalFactory(organisation=member.organisation)
    response = client.post(
        section_url(draft, "audience"),
        {"audience-age_min": "ten", "audience-expected_participants": "25"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="ten"' in body and 'value="25"' in body
    assert "Not saved" in body


def test_too_long_title_is_refused_not_cut(client, member):
    draft = ProposalFactory(organisation=member.organisation, title="Old")
    response = client.post(section_url(draft, "event"), {"event-title": "x" * 121})
    assert response.status_code == 400
    assert "at most 120 characters" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Old"


def test_requested_amount_is_the_sum_of_the_budget_lines(client, member):
    draft = ProposalFactory(organisation=member.organisation, requested_amount=Decimal("0"))
    data = {
        "budget-TOTAL_FORMS": "3",
        "budget-INITIAL_FORMS": "0",
        "budget-0-category": "trainer",
        "budget-0-description": "Two trainers",
        "budget-0-amount": "250.50",
        "budget-1-category": "materials",
        "budget-1-amount": "99.50",
        "budget-2-category": "",
        "budget-2-amount": "",
        # A typed requested amount is ignored: only the lines count.
        "requested_amount": "9999",
    }
    response = client.post(section_url(draft, "budget"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("350.00")
    assert draft.budget_lines.count() == 2


def _budget(*lines, delete=()):
    data = {"budget-TOTAL_FORMS": str(len(lines)), "budget-INITIAL_FORMS": "0"}
    for index, (category, description, amount) in enumerate(lines):
        data |= {
            f"budget-{index}-category": category,
            f"budget-{index}-description": description,
            f"budget-{index}-amount": amount,
        }
        if index in delete:
            data[f"budget-{index}-DELETE"] = "on"
    return data


def test_each_budget_save_replaces_the_lines_even_when_posted_twice(client, member):
    draft = ProposalFactory(organisation=member.organisation)
    url = section_url(draft, "budget")
    first = _budget(("trainer", "Two trainers", "200"), ("", "", ""))
    later = _budget(("trainer", "Two trainers", "250"), ("promotion", "Flyers", "40"))
    hx = {"HX-Request": "true"}

    for data in (first, later, later):  # a save overtaken by the next one still lands
        assert client.post(url, data, headers=hx).status_code == 200

    draft.refresh_from_db()
    lines = [(line.category, line.amount) for line in draft.budget_lines.order_by("id")]
    assert lines == [("trainer", Decimal("250")), ("promotion", Decimal("40"))]
    assert draft.requested_amount == Decimal("290")


def test_a_removed_budget_line_is_gone_and_the_sum_follows(client, member):
    draft = ProposalFactory(organisation=member.organisation)
    data = _budget(("trainer", "", "200"), ("venue", "Hall", "100"), delete={1})

    response = client.post(section_url(draft, "budget"), data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'id="requested-amount" hx-swap-oob="true">EUR 200.00' in response.content.decode()
    assert list(draft.budget_lines.values_list("category", flat=True)) == ["trainer"]


def test_a_half_filled_budget_line_says_what_is_missing_and_keeps_the_text(client, member):
    draft = ProposalFactory(organisation=member.organisation)
    data = _budget(("", "Pizza for the break", "80"), ("materials", "Cables", ""))

    response = client.post(section_url(draft, "budget"), data, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose what this amount is for." in page
    assert "Enter the amount for this line." in page
    assert 'value="Pizza for the break"' in page and 'value="Cables"' in page
    assert not draft.budget_lines.exists()


def test_failed_submit_keeps_every_field_and_shows_errors_next_to_fields(client, member):
    draft = ProposalFactory(
        organisation=member.organisation, expected_participants=3, accepts_conditions=False
    )
    before = {f: getattr(draft, f) for f in ("title", "description", "city", "starts_at")}
    response = client.post(reverse("events:submit", args=[draft.pk]))
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("expected_participants", "accepts_conditions", "budget"):
        assert f'data-field="{field}"' in body
        assert f"#field-{field}" in body
    assert "not yet validated" in body
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.DRAFT
    assert {f: getattr(draft, f) for f in before} == before
    # The edit page has the anchor each error links to.
    edit = client.get(reverse("events:edit", args=[draft.pk])).content.decode()
    for field in ("expected_participants", "accepts_conditions", "budget"):
        assert f'id="field-{field}"' in edit


def submittable(member):
    proposal = ProposalFactory(organisation=member.organisation)
    BudgetLineFactory(proposal=proposal, amount=Decimal("400.00"))
    validate(member.organisation, proposal.country_programme.edition)
    return proposal


def test_submit_makes_it_read_only_with_a_timeline(client, member):
    proposal = submittable(member)
    assert client.get(reverse("events:submit", args=[proposal.pk])).status_code == 200
    response = client.post(reverse("events:submit", args=[proposal.pk]))
    detail = reverse("events:detail", args=[proposal.pk])
    assert response.url == detail
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    page = client.get(detail).content.decode()
    assert 'id="timeline"' in page and "Submitted" in page
    assert client.get(reverse("events:edit", args=[proposal.pk])).url == detail


def test_changes_requested_then_edit_and_resubmit(client, member):
    proposal = submittable(member)
    client.post(reverse("events:submit", args=[proposal.pk]))
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    request_changes(proposal, actor=manager, message="Please add a second trainer.")
    assert client.get(reverse("events:edit", args=[proposal.pk])).status_code == 200
    section = {
        "event-title": "Two trainers now",
        "event-description": proposal.description,
        "event-format": proposal.format,
        "event-delivery": proposal.delivery,
    }
    assert client.post(section_url(proposal, "event"), section).status_code == 302
    assert client.post(reverse("events:submit", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.title == "Two trainers now"
    actions = list(
        AuditEntry.objects.filter(object_id=proposal.pk).values_list("action", flat=True)
    )
    assert actions.count("proposal.submit") == 2


def test_withdraw_needs_confirmation(client, member):
    proposal = ProposalFactory(organisation=member.organisation)
    url = reverse("events:withdraw", args=[proposal.pk])
    client.post(url)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert client.get(url).status_code == 405
    client.post(url, {"confirm": "yes", "reason": "Venue closed"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN


def test_duplicate_is_flagged(client, member):
    proposal = ProposalFactory(organisation=member.organisation)
    edit = reverse("events:edit", args=[proposal.pk])
    assert "duplicate" not in client.get(edit).content.decode()
    ProposalFactory(organisation=member.organisation, title="The same one")
    ProposalFactory(organisation=member.organisation, status=Proposal.Status.WITHDRAWN)
    body = client.get(edit).content.decode()
    assert "duplicate" in body and "The same one" in body


def edit_page(client, others):
    membership = MembershipFactory()
    client.force_login(membership.user)
    proposal = ProposalFactory(organisation=membership.organisation)
    BudgetLineFactory(proposal=proposal)
    for number in range(others):
        ProposalFactory(organisation=membership.organisation, city=f"Town {number}")
    return reverse("events:edit", args=[proposal.pk])


def test_edit_page_queries_do_not_grow_with_proposals(client, django_assert_max_num_queries):
    url = edit_page(client, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= 15
    url = edit_page(client, 30)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def _page_with(client, *, lines, others, url_name):
    membership = MembershipFactory()
    client.force_login(membership.user)
    proposal = ProposalFactory(organisation=membership.organisation)
    BudgetLineFactory.create_batch(lines, proposal=proposal)
    ProposalFactory.create_batch(others, organisation=membership.organisation)
    return reverse(url_name, args=[proposal.pk])


@pytest.mark.parametrize("url_name", ["events:submit", "events:detail"])
def test_summary_and_proposal_pages_queries_do_not_grow(
    client, url_name, django_assert_max_num_queries
):
    url = _page_with(client, lines=1, others=1, url_name=url_name)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= 15
    url = _page_with(client, lines=12, others=30, url_name=url_name)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_an_untitled_draft_prints_as_plain_text():
    # A lazy translation object here crashed every template that printed the proposal.
    assert str(ProposalFactory.build(title="")) == "Untitled proposal"


WARNING = 'class="form-text limit-warning"'


def hx_save(client, proposal, section, data):
    return client.post(section_url(proposal, section), data, headers={"HX-Request": "true"})


def warning_of(body: str, field: str) -> str:
    """What the answer puts (out of band) into the warning place under the field."""
    found = re.search(f'id="warning-{field}" hx-swap-oob="innerHTML">(.*?)</div>\n', body, re.S)
    return found[1]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def place(proposal, **changes):
    data = {
        "starts_at": local(proposal.starts_at),
        "ends_at": local(proposal.ends_at),
        "duration_minutes": proposal.duration_minutes,
        "venue_name": proposal.venue_name,
        "city": proposal.city,
    } | changes
    return {f"place-{name}": value for name, value in data.items()}


def audience(proposal, **changes):
    data = {
        "age_min": proposal.age_min,
        "age_max": proposal.age_max,
        "expected_participants": proposal.expected_participants,
    } | changes
    return {f"audience-{name}": value for name, value in data.items()}


def test_edit_page_gives_the_countrys_limits_next_to_the_fields(client, member, open_edition):
    open_edition.min_participants, open_edition.min_duration_minutes = 12, 100
    open_edition.save()
    edition = open_edition.edition
    draft = ProposalFactory(organisation=member.organisation)

    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()

    start = date_format(edition.event_start, "DATE_FORMAT")
    end = date_format(edition.event_end, "DATE_FORMAT")
    assert page.count(f"take place between {start} and {end}.") == 2  # starts_at and ends_at
    ages = f"for young people aged {edition.min_age} to {edition.max_age}."
    assert page.count(ages) == 2  # age_min and age_max
    assert "Luxembourg asks for at least 12 participants." in page
    assert "Luxembourg asks for at least 100 minutes." in page
    assert "Luxembourg grants at most EUR 500.00 per event." in page
    assert 'aria-describedby="id_audience-age_min_helptext warning-age_min"' in page


def test_a_date_after_the_event_window_is_saved_with_a_warning(client, member, open_edition):
    draft = ProposalFactory(organisation=member.organisation)
    end = open_edition.edition.event_end
    late = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(10), tzinfo=LUXEMBOURG)

    response = hx_save(client, draft, "place", place(draft, starts_at=local(late), ends_at=""))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved at" in body
    until = date_format(end, "DATE_FORMAT")
    assert f"This date is after the event window (until {until})" in warning_of(body, "starts_at")
    assert warning_of(body, "ends_at") == ""
    draft.refresh_from_db()
    assert draft.starts_at == late


def test_a_date_before_the_event_window_says_when_it_starts(client, member, open_edition):
    draft = ProposalFactory(organisation=member.organisation)
    start = open_edition.edition.event_start
    early = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(10), tzinfo=LUXEMBOURG)

    body = hx_save(client, draft, "place", place(draft, starts_at=local(early))).content.decode()

    since = date_format(start, "DATE_FORMAT")
    assert f"This date is before the event window (from {since})" in warning_of(body, "starts_at")


def test_too_short_an_event_is_saved_with_a_warning(client, member, open_edition):
    draft = ProposalFactory(organisation=member.organisation)
    minimum = open_edition.min_duration_minutes

    response = hx_save(client, draft, "place", place(draft, duration_minutes=minimum - 1))

    assert response.status_code == 200
    warning = warning_of(response.content.decode(), "duration_minutes")
    assert f"at least {minimum} minutes; make it longer" in warning
    draft.refresh_from_db()
    assert draft.duration_minutes == minimum - 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("expected_participants", 9, "At least 10 participants are needed"),
        ("age_min", 7, "Participants must be 8 to 24 years old"),
        ("age_max", 25, "Participants must be 8 to 24 years old"),
    ],
)
def test_an_audience_outside_the_limits_is_saved_with_a_warning(
    client, member, field, value, words
):
    draft = ProposalFactory(organisation=member.organisation)

    response = hx_save(client, draft, "audience", audience(draft, **{field: value}))

    assert response.status_code == 200
    body = response.content.decode()
    assert words in warning_of(body, field)
    assert "See the warning next to the field" in body  # in the status, beside "Saved at"
    others = {"age_min", "age_max", "expected_participants"} - {field}
    assert all(warning_of(body, other) == "" for other in others)
    draft.refresh_from_db()
    assert getattr(draft, field) == value
    # The inputs are not sent again: only the status and the warnings change on the page.
    assert response["HX-Retarget"] == "#section-audience .save-status"
    assert "<input" not in body


def test_a_budget_above_the_maximum_grant_is_saved_with_a_warning(client, member):
    draft = ProposalFactory(organisation=member.organisation)

    response = hx_save(client, draft, "budget", _budget(("trainer", "", "600")))

    assert response.status_code == 200
    assert "the maximum is EUR 500.00" in warning_of(response.content.decode(), "budget")
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("600")


def test_a_save_within_the_limits_clears_the_warnings(client, member):
    draft = ProposalFactory(organisation=member.organisation)
    hx_save(client, draft, "audience", audience(draft, age_min=5, expected_participants=2))

    body = hx_save(client, draft, "audience", audience(draft)).content.decode()

    for field in ("age_min", "age_max", "expected_participants"):
        assert warning_of(body, field) == ""
    assert WARNING not in body
    assert "See the warning" not in body


def test_the_edit_page_shows_the_warnings_of_the_saved_draft(client, member):
    draft = ProposalFactory(organisation=member.organisation, expected_participants=3)

    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()

    start = page.index('id="warning-expected_participants"')
    assert "At least 10 participants are needed" in page[start : page.index("</div></div>", start)]
    assert page.count(WARNING) == 1


def test_a_draft_saved_with_a_warning_is_still_refused_on_submit(client, member):
    proposal = submittable(member)
    hx_save(client, proposal, "audience", audience(proposal, age_min=6))

    response = client.post(reverse("events:submit", args=[proposal.pk]))

    assert response.status_code == 400
    assert 'data-field="age_min"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
