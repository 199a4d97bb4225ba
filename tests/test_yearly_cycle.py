"""The programme through one year and into the next, with the clock frozen at each stage: before
the call, during it, after the deadline, during the events, after them, and next year's call.
At each stage: what the applicant, the partner and the public see, through the web pages.

The world: last year's edition (over, with an event held by a returning organisation) and this
year's, both with the factories' calendar (call 15 April to 30 September, events 17 June to
31 October); Luxembourg keeps returning organisations validated. No year is written here: they
follow today's.
"""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Proposal
from grants.services import publish_event
from organisations.models import OrganisationValidation, PartnerStaff
from programmes.models import CountryProgramme, Edition
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    MembershipFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

BRUSSELS = ZoneInfo("Europe/Brussels")
STAY = CountryProgramme.ReturningOrganisations.STAY_VALIDATED
YEAR = timezone.localdate().year  # "this year": every date below follows it
LAST_SUMMER = "Robots last summer"


def on(month: int, day: int, *, years_on: int = 0):
    """Travel to noon of that day of this year (or a later one), the clock standing still."""
    moment = dt.datetime(YEAR + years_on, month, day, 12, tzinfo=BRUSSELS)
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def whole_pages_not_kept(settings):
    settings.PUBLIC_PAGE_SECONDS = 0  # a page kept across a journey in time would mislead


@pytest.fixture
def world():
    partner = PartnerFactory(countries=["LU"])
    last = EditionFactory(year=YEAR - 1)
    this = EditionFactory(year=YEAR)
    last_lu = CountryProgrammeFactory(edition=last, partner=partner)
    this_lu = CountryProgrammeFactory(edition=this, partner=partner, returning_organisations=STAY)
    member = MembershipFactory()
    OrganisationValidation.objects.create(
        organisation=member.organisation,
        edition=last,
        status=OrganisationValidation.Status.VALIDATED,
    )
    held = ProposalFactory(
        organisation=member.organisation,
        country_programme=last_lu,
        created_by=member.user,
        status=Proposal.Status.APPROVED,
        title=LAST_SUMMER,
    )
    BudgetLineFactory(proposal=held, amount=held.requested_amount)
    Event.objects.filter(pk=publish_event(held).pk).update(status=Event.Status.HELD)
    manager = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user
    return {"this": this, "this_lu": this_lu, "last": last, "held": held, "member": member,
            "manager": manager}  # fmt: skip


# --- the people, each with a client of their own ---------------------------------------------


def applicant(world) -> Client:
    client = Client()
    client.force_login(world["member"].user)
    return client


def partner(world, two_factor_login) -> Client:
    return two_factor_login(Client(), world["manager"])


def public() -> Client:
    return Client()


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def map_titles(client: Client, **params) -> list[str]:
    """The titles of the map's list, in its order (the default view without parameters)."""
    page = client.get(reverse("events:list"), params).context["page"]
    return [event.title for event in page.object_list]


def geojson_titles(client: Client) -> set[str]:
    features = json.loads(client.get(reverse("feeds:geojson")).getvalue())["features"]
    return {feature["properties"]["title"] for feature in features}


def queue_titles(client: Client, **params) -> list[str]:
    page = text(client.get(reverse("grants:dashboard"), params or {"todo": "all"}))
    return [title for title in (LAST_SUMMER, "Robots this summer", "Robots next summer")
            if title in page]  # fmt: skip


# --- what each person does --------------------------------------------------------------------


def copy_and_submit(client: Client, source: Proposal, *, title: str, year: int) -> Proposal:
    """The applicant starts from an earlier proposal, sets the new dates and submits."""
    started = client.post(reverse("events:start"), {"copy_from": source.pk})
    assert started.status_code == 302, started.status_code
    copy = Proposal.objects.exclude(pk=source.pk).latest("pk")
    starts = dt.datetime(year, 9, 14, 10, tzinfo=BRUSSELS)
    sections = {
        "event": {"title": title, "description": copy.description, "format": copy.format,
                  "delivery": copy.delivery},
        "place": {"starts_at": f"{starts:%Y-%m-%dT%H:%M}",
                  "ends_at": f"{starts + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
                  "duration_minutes": 120, "venue_name": copy.venue_name,
                  "address": copy.address, "postcode": copy.postcode, "city": copy.city},
        "declarations": {"free_for_participants": "on", "accepts_conditions": "on"},
    }  # fmt: skip
    for section, data in sections.items():
        url = reverse("events:save_section", args=[copy.pk, section])
        posted = {f"{section}-{name}": value for name, value in data.items()}
        assert client.post(url, posted).status_code == 302
    assert client.post(reverse("events:submit", args=[copy.pk])).status_code == 302
    copy.refresh_from_db()
    assert copy.status == Proposal.Status.SUBMITTED, copy.status
    return copy


def approve(client: Client, proposal: Proposal) -> None:
    response = client.post(reverse("grants:approve", args=[proposal.pk]), {"amount": "400.00"})
    assert response.status_code == 302, response.status_code
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED


def submitted_this_year(world, title: str = "Robots this summer", **fields) -> Proposal:
    member = world["member"]
    proposal = ProposalFactory(
        **fields,
        organisation=member.organisation,
        country_programme=world["this_lu"],
        created_by=member.user,
        status=Proposal.Status.SUBMITTED,
        title=title,
        requested_amount=Decimal("400.00"),
    )
    BudgetLineFactory(proposal=proposal, amount=Decimal("400.00"))
    return proposal


def approved_this_year(world, two_factor_login) -> Proposal:
    proposal = submitted_this_year(world)
    approve(partner(world, two_factor_login), proposal)
    return proposal


# --- the stages -------------------------------------------------------------------------------


def test_before_the_call(world, two_factor_login):
    with on(3, 1):
        home = text(public().get("/"))
        assert world["this"].name in home and "Applications open on" in home
        assert map_titles(public()) == [LAST_SUMMER]  # last season's, while nothing is coming
        assert LAST_SUMMER in geojson_titles(public())

        start = text(applicant(world).get(reverse("events:start")))
        assert "opens on" in start

        assert queue_titles(partner(world, two_factor_login)) == []  # this edition: nothing yet
        older = {"edition": world["last"].year}
        assert queue_titles(partner(world, two_factor_login), **older) == [LAST_SUMMER]


def test_during_the_call(world, two_factor_login):
    with on(5, 10):
        assert "Applications open" in text(public().get("/"))

        client = applicant(world)
        dashboard = text(client.get(reverse("organisations:mine")))
        assert "keeps returning organisations validated" in dashboard
        mine = copy_and_submit(client, world["held"], title="Robots this summer", year=YEAR)
        assert mine.country_programme == world["this_lu"]
        edit = text(client.get(reverse("events:detail", args=[mine.pk])))
        assert "Robots this summer" in edit

        manager = partner(world, two_factor_login)
        assert queue_titles(manager) == ["Robots this summer"]
        approve(manager, mine)

        # The public: this season's event first (upcoming), last season's after it, held.
        assert map_titles(public()) == ["Robots this summer", LAST_SUMMER]
        assert geojson_titles(public()) == {"Robots this summer", LAST_SUMMER}


def test_after_the_deadline(world, two_factor_login):
    draft = ProposalFactory(
        organisation=world["member"].organisation,
        country_programme=world["this_lu"],
        created_by=world["member"].user,
        title="Too late",
    )
    BudgetLineFactory(proposal=draft, amount=draft.requested_amount)
    late_october = dt.datetime(YEAR, 10, 20, 10, tzinfo=BRUSSELS)  # still to come on 5 October
    waiting = submitted_this_year(
        world, starts_at=late_october, ends_at=late_october + dt.timedelta(hours=2)
    )
    with on(10, 5):
        assert "Applications closed" in text(public().get("/"))

        client = applicant(world)
        edit = text(client.get(reverse("events:edit", args=[draft.pk])))
        assert "closed on" in edit and "The next call has not been announced yet." in edit
        refused = client.post(reverse("events:submit", args=[draft.pk]))
        assert "proposals can no longer be sent" in refused.content.decode()
        draft.refresh_from_db()
        assert draft.status == Proposal.Status.DRAFT

        # The partner still decides on what came in before the deadline.
        manager = partner(world, two_factor_login)
        assert queue_titles(manager) == ["Robots this summer"]
        approve(manager, waiting)


def test_during_the_events(world, two_factor_login):
    with on(5, 10):
        approved_this_year(world, two_factor_login)
    with on(7, 1):
        # This season's events have begun: the map shows this season's alone.
        assert map_titles(public()) == ["Robots this summer"]
        calendar = public().get(reverse("feeds:ics")).getvalue().decode()
        assert "Robots this summer" in calendar and LAST_SUMMER not in calendar
        assert world["this"].name in text(public().get("/"))


def test_after_the_events(world, two_factor_login):
    with on(5, 10):
        mine = approved_this_year(world, two_factor_login)
    with on(11, 20):
        # Nothing is coming: the home page still names this edition, the map shows what was
        # held, the calendar feed (upcoming events) is empty.
        assert world["this"].name in text(public().get("/"))
        assert map_titles(public()) == ["Robots this summer"]
        assert map_titles(public(), when="upcoming") == []
        calendar = public().get(reverse("feeds:ics")).getvalue().decode()
        assert "Robots this summer" not in calendar

        dashboard = text(applicant(world).get(reverse("organisations:mine")))
        assert reverse("events:report", args=[mine.pk]) in dashboard  # the report is next

        assert Edition.objects.current() == world["this"]


def open_next_edition_in_the_admin(world, two_factor_login) -> Edition:
    """Programme staff run the admin action on this year's edition and confirm."""
    staff = UserFactory(is_staff=True, is_programme_staff=True)
    codes = ["add_edition", "change_edition", "view_edition", "view_countryprogramme"]
    staff.user_permissions.set(Permission.objects.filter(codename__in=codes))
    admin = two_factor_login(Client(), staff)
    action = {"action": "open_next_edition", "_selected_action": [world["this"].pk]}
    url = reverse("admin:programmes_edition_changelist")
    assert admin.post(url, action).status_code == 200  # the confirmation page
    assert admin.post(url, {**action, "confirm": "yes"}).status_code == 302
    return Edition.objects.get(year=YEAR + 1)


def test_next_years_edition_opened_early_leaves_this_years_call_current(world, two_factor_login):
    """Staff prepare next year's edition while this year's call runs: applicants still apply to
    this year's, and the home page still names it (the dates decide, not the latest year)."""
    with on(5, 10):
        following = open_next_edition_in_the_admin(world, two_factor_login)
        home = text(public().get("/"))
        assert world["this"].name in home and following.name not in home
        client = applicant(world)
        assert client.post(reverse("events:start"), {"copy_from": world["held"].pk}).status_code
        draft = Proposal.objects.latest("pk")
        assert draft.country_programme == world["this_lu"]


def test_next_years_call(world, two_factor_login):
    with on(5, 10):
        this_years = approved_this_year(world, two_factor_login)
    with on(11, 20):
        following = open_next_edition_in_the_admin(world, two_factor_login)
        assert "Applications open on" in text(public().get("/"))  # announced, not open yet

    with on(4, 20, years_on=1):
        home = text(public().get("/"))
        assert following.name in home and "Applications open" in home
        client = applicant(world)
        mine = copy_and_submit(client, this_years, title="Robots next summer", year=YEAR + 1)
        assert mine.country_programme.edition == following
        assert mine.country_programme.returning_organisations == STAY  # copied setting

        manager = partner(world, two_factor_login)
        assert queue_titles(manager) == ["Robots next summer"]
        older = {"edition": world["this"].year}
        assert queue_titles(manager, **older) == ["Robots this summer"]

        # The map: next season's first approved events are still to come; until they begin,
        # this season's held events stay on it too.
        approve(manager, mine)
        assert map_titles(public()) == ["Robots next summer", "Robots this summer"]

    # Nothing of this year's edition changed.
    this = Edition.objects.get(pk=world["this"].pk)
    assert (this.year, this.code) == (world["this"].year, world["this"].code)
    assert this.country_programmes.get().budget == world["this_lu"].budget
