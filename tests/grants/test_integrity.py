"""Integrity signals (grants.integrity) on PostgreSQL: each signal raised where it must be and
not where it must not, on both sides of a pair; "checked, fine" through the page, audited, and
open again when something new is found; the queue's filter; partner staff only."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal
from events.services import submit_proposal
from grants import integrity
from grants.models import Grant, IntegritySignal, SignalCheck
from organisations import services as organisation_services
from organisations.audit import Action
from organisations.models import AuditEntry, PartnerStaff
from tests.factories import (
    LUXEMBOURG,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    log_in_with_second_factor,
    member_of,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_trgm"),
]

Kind = IntegritySignal.Kind
S = Proposal.Status
YEAR = timezone.localdate().year + 1
_n = itertools.count()

COPIED = (
    "Two afternoons of building small games in Scratch at the public library of {town}, for "
    "children who have never programmed; laptops are lent by the library and a volunteer "
    "helps each group of four."
)


@pytest.fixture
def partner():
    return PartnerFactory(countries=["LU", "BE"])


@pytest.fixture
def lu(partner):
    edition = EditionFactory(year=YEAR)
    return CountryProgrammeFactory(edition=edition, country="LU", partner=partner)


def _organisation(**fields):
    """An organisation with a contact, bank account and phone of its own."""
    n = next(_n)
    fields.setdefault("contact_name", f"Person {n}")
    fields.setdefault("phone", f"+352 {600000 + n:06d}")
    fields.setdefault("iban", "")
    return OrganisationFactory(**fields)


def _proposal(programme, organisation=None, **fields):
    """A submitted proposal at an address and time of its own, with a text of its own."""
    n = next(_n)
    fields.setdefault("status", S.SUBMITTED)
    fields.setdefault("title", f"Event {n}")
    fields.setdefault("description", f"Proposal number {n}: " + "x" * (n % 7))
    fields.setdefault("address", f"{n} rue du Test")
    fields.setdefault(
        "starts_at", dt.datetime(YEAR, 9, 1, 10, tzinfo=LUXEMBOURG) + dt.timedelta(days=n)
    )
    fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=2))
    return ProposalFactory(
        country_programme=programme, organisation=organisation or _organisation(), **fields
    )


def _kinds(proposal) -> set[str]:
    return set(IntegritySignal.objects.filter(proposal=proposal).values_list("kind", flat=True))


def _signal(proposal, kind) -> IntegritySignal:
    return IntegritySignal.objects.get(proposal=proposal, kind=kind)


# --- The same bank account ---------------------------------------------------------------------

IBAN = "LU280019400644750000"


def test_the_same_iban_in_two_organisations_raises_the_signal_on_both_sides(lu):
    first = _proposal(lu, _organisation(iban=IBAN))
    second = _proposal(lu, _organisation(iban="lu28 0019 4006 4475 0000"))  # spaces, case
    integrity.refresh([second.pk])
    assert _kinds(second) == {Kind.BANK_ACCOUNT} and _kinds(first) == {Kind.BANK_ACCOUNT}
    signal = _signal(second, Kind.BANK_ACCOUNT)
    assert signal.related == [{"organisation": first.organisation_id, "proposal": first.pk}]


def test_no_bank_signal_within_one_organisation_nor_without_an_iban_nor_for_another(lu):
    organisation = _organisation(iban=IBAN)
    one, two = _proposal(lu, organisation), _proposal(lu, organisation)
    blank = [_proposal(lu, _organisation(iban="")) for _ in range(2)]
    other = _proposal(lu, _organisation(iban="BE68539007547034"))
    never_applied = _organisation(iban=IBAN)  # no proposal handed in: no claim
    ProposalFactory(organisation=never_applied, country_programme=lu)  # a draft
    integrity.refresh([one.pk, two.pk, other.pk, *[p.pk for p in blank]])
    assert not IntegritySignal.objects.exists()


# --- The same contact --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "what"),
    [
        ({"contact_name": "Anna Schmit"}, {"contact_name": " anna schmit "}, "contact_name"),
        ({"contact_email": "Anna@Club.lu"}, {"contact_email": "anna@club.lu"}, "contact_email"),
        ({"phone": "+352 621 123 456"}, {"phone": "00352 621-123-456"}, "phone"),
        ({"phone": "+49 30 1234567"}, {"phone": "030 1234567"}, "phone"),
    ],
)
def test_the_same_contact_person_e_mail_or_phone_raises_the_signal(lu, first, second, what):
    a = _proposal(lu, _organisation(**first))
    b = _proposal(lu, _organisation(**second))
    integrity.refresh([b.pk])
    assert _signal(b, Kind.CONTACT).related == [
        {"organisation": a.organisation_id, "proposal": a.pk, "what": [what]}
    ]
    assert _kinds(a) == {Kind.CONTACT}


def test_different_contacts_and_short_phone_numbers_raise_nothing(lu):
    a = _proposal(lu, _organisation(contact_name="Anna Schmit", phone="112"))
    b = _proposal(lu, _organisation(contact_name="Anna Schmidt", phone="112"))
    c = _proposal(lu, _organisation(phone="+352 621 123 456"))
    d = _proposal(lu, _organisation(phone="+352 621 123 457"))
    integrity.refresh([a.pk, b.pk, c.pk, d.pk])
    assert not IntegritySignal.objects.exists()


# --- Nearly identical text ---------------------------------------------------------------------


def test_a_description_copied_with_the_town_changed_raises_the_signal_in_any_edition(lu, partner):
    earlier = CountryProgrammeFactory(
        edition=EditionFactory(year=YEAR - 3), country="BE", partner=partner
    )
    original = _proposal(earlier, description=COPIED.format(town="Gent"))
    copy = _proposal(lu, description=COPIED.format(town="Esch-sur-Alzette"))
    integrity.refresh([copy.pk])
    related = _signal(copy, Kind.SIMILAR_TEXT).related
    assert [(item["proposal"], item["what"]) for item in related] == [
        (original.pk, ["description"])
    ]
    assert 0.7 <= related[0]["similarity"] < 1
    assert _kinds(original) == {Kind.SIMILAR_TEXT}


def test_a_title_nearly_identical_raises_the_signal(lu):
    a = _proposal(lu, title="Robotics for girls at the Kirchberg library")
    b = _proposal(lu, title="Robotics for Girls at the Kirchberg Library!")
    integrity.refresh([b.pk])
    assert _signal(b, Kind.SIMILAR_TEXT).related[0]["what"] == ["title"]
    assert _kinds(a) == {Kind.SIMILAR_TEXT}


def test_texts_of_the_same_kind_written_by_each_club_raise_nothing(lu):
    texts = [
        "Children build their first games in Scratch during two afternoons at our club house; "
        "we bring laptops and snacks.",
        "A Scratch workshop for beginners aged 9 to 12: in three sessions, they animate a story "
        "and share it with their parents.",
    ]
    a = _proposal(lu, title="Scratch workshop 3", description=texts[0])
    b = _proposal(lu, title="Scratch workshop 4", description=texts[1])
    integrity.refresh([a.pk, b.pk])
    assert not IntegritySignal.objects.exists()


def test_the_same_text_from_the_same_organisation_raises_nothing(lu):
    organisation = _organisation()
    a = _proposal(lu, organisation, description=COPIED.format(town="Vianden"))
    b = _proposal(lu, organisation, description=COPIED.format(town="Vianden"))
    integrity.refresh([a.pk, b.pk])
    assert not IntegritySignal.objects.exists()


def test_the_text_signal_is_found_through_the_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events_proposal' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"proposal_title_trgm", "proposal_description_trgm"}


# --- The same venue at the same time -----------------------------------------------------------


def _at(programme, start_hour, end_hour, **fields):
    day = dt.datetime(YEAR, 10, 3, tzinfo=LUXEMBOURG)
    return _proposal(
        programme,
        address=fields.pop("address", "12, Place Guillaume II"),
        city=fields.pop("city", "Luxembourg"),
        starts_at=day + dt.timedelta(hours=start_hour),
        ends_at=day + dt.timedelta(hours=end_hour),
        **fields,
    )


def test_events_at_the_same_venue_at_overlapping_times_raise_the_signal(lu):
    a = _at(lu, 10, 12)
    b = _at(lu, 11, 13, address=" 12, place Guillaume II ")
    integrity.refresh([b.pk])
    assert _signal(b, Kind.VENUE_OVERLAP).related == [
        {"proposal": a.pk, "organisation": a.organisation_id}
    ]
    assert _kinds(a) == {Kind.VENUE_OVERLAP}


def test_the_same_organisation_twice_at_one_place_and_time_is_a_double_claim(lu):
    organisation = _organisation()
    a, b = _at(lu, 10, 12, organisation=organisation), _at(lu, 10, 12, organisation=organisation)
    integrity.refresh([a.pk])
    assert _kinds(a) == _kinds(b) == {Kind.VENUE_OVERLAP}


def test_back_to_back_events_other_towns_and_withdrawn_ones_raise_nothing(lu):
    a = _at(lu, 10, 12)
    _at(lu, 12, 14)  # starts when the first ends
    _at(lu, 10, 12, city="Esch-sur-Alzette")
    _at(lu, 10, 12, status=S.WITHDRAWN)
    _at(lu, 10, 12, status=S.DRAFT)
    integrity.refresh([a.pk])
    assert not IntegritySignal.objects.exists()


# --- Over the country's limits -----------------------------------------------------------------


def test_more_proposals_than_the_country_allows_raise_the_signal_on_each(lu):
    lu.max_proposals_per_organisation = 2
    lu.save()
    organisation = _organisation()
    first, second = _proposal(lu, organisation), _proposal(lu, organisation)
    integrity.refresh([second.pk])
    assert not IntegritySignal.objects.exists()  # the limit reached, not exceeded
    third = _proposal(lu, organisation)
    integrity.refresh([third.pk])
    signal = _signal(third, Kind.OVER_LIMIT)
    assert signal.detail == {
        "over": ["proposals"],
        "counts": {"proposals": 3, "funded": 0},
        "limits": {"proposals": 2, "funded": None},
    }
    assert _kinds(first) == _kinds(second) == {Kind.OVER_LIMIT}


def test_more_funded_events_than_the_country_allows_raise_the_signal(lu):
    lu.max_funded_per_organisation = 1
    lu.save()
    organisation = _organisation()
    for _ in range(2):
        GrantFactory(proposal=_proposal(lu, organisation, status=S.APPROVED))
    cancelled = _proposal(lu, organisation, status=S.CANCELLED)
    GrantFactory(proposal=cancelled, status=Grant.Status.CANCELLED)
    pending = _proposal(lu, organisation)
    integrity.refresh([pending.pk])
    assert _signal(pending, Kind.OVER_LIMIT).detail["counts"]["funded"] == 2


def test_no_limit_set_or_withdrawn_proposals_raise_nothing(lu):
    organisation = _organisation()
    many = [_proposal(lu, organisation) for _ in range(4)]
    integrity.refresh([p.pk for p in many])
    assert not IntegritySignal.objects.exists()
    lu.max_proposals_per_organisation = 2
    lu.save()
    for proposal in many[2:]:
        proposal.status = S.WITHDRAWN
        proposal.save()
    integrity.refresh([many[0].pk])
    assert not IntegritySignal.objects.exists()


# --- Kept up to date ---------------------------------------------------------------------------


def test_a_submission_and_an_organisation_s_new_iban_compute_the_signals(
    lu, eager_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    first = _proposal(lu, _organisation(iban=IBAN))
    organisation = _organisation()
    member = member_of(organisation)
    draft = _proposal(lu, organisation, status=S.DRAFT, description=COPIED.format(town="Wiltz"))
    _proposal(lu, description=COPIED.format(town="Clervaux"))
    # the programme's rules are not what this test is about (the call may be closed)
    monkeypatch.setattr("events.services.check_eligibility", lambda proposal, now=None: {})
    with django_capture_on_commit_callbacks(execute=True):
        submit_proposal(draft, actor=member)
    assert _kinds(draft) == {Kind.SIMILAR_TEXT}

    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.update_organisation(organisation, actor=member, iban=IBAN)
    assert _kinds(draft) == {Kind.SIMILAR_TEXT, Kind.BANK_ACCOUNT}
    assert _kinds(first) == {Kind.BANK_ACCOUNT}
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.update_organisation(organisation, actor=member, iban="")
    assert _kinds(draft) == {Kind.SIMILAR_TEXT}
    assert _kinds(first) == set()  # the other side dropped it too


# --- Seen and checked through the pages --------------------------------------------------------


@pytest.fixture
def reviewer(partner):
    return PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user


@pytest.fixture
def pair(lu):
    a = _proposal(lu, _organisation(iban=IBAN), title="Robots in Clervaux")
    b = _proposal(lu, _organisation(iban=IBAN), title="Scratch in Wiltz")
    integrity.refresh([b.pk])
    return a, b


def _page(client, proposal) -> str:
    response = client.get(reverse("grants:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_reviewer_sees_the_signal_explained_and_marks_it_checked(reviewer, pair):
    a, b = pair
    client = log_in_with_second_factor(Client(), reviewer)
    page = _page(client, b)
    assert "The same bank account (IBAN) as 1 other organisation." in page
    assert f'href="/partner/proposals/{a.pk}/">Robots in Clervaux</a>' in page

    url = reverse("grants:check_signal", args=[b.pk, Kind.BANK_ACCOUNT])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    done = client.post(url, {"note": "Both clubs share a treasurer; agreed by phone."})
    assert done.status_code == 302
    entry = AuditEntry.objects.get(action=Action.SIGNAL_CHECK)
    assert entry.actor == reviewer and entry.message.startswith("Both clubs share")
    page = _page(client, b)
    assert "Checked, fine, by" in page and "Both clubs share a treasurer" in page
    assert "Integrity signal checked" in page  # in the timeline

    # A third organisation with the same account: the signal is open again.
    _proposal(b.country_programme, _organisation(iban=IBAN))
    integrity.refresh([b.pk])
    page = _page(client, b)
    assert "The same bank account (IBAN) as 2 other organisations." in page
    assert "more has been found since" in page


def test_the_queue_filters_on_open_signals(reviewer, pair, lu):
    a, b = pair
    clean = _proposal(lu)
    client = log_in_with_second_factor(Client(), reviewer)

    def shown(**params):
        html = client.get(reverse("grants:dashboard"), {"todo": "all", **params}).content
        return {p.pk for p in (a, b, clean) if f'data-proposal="{p.pk}"'.encode() in html}

    assert shown(signals="open") == {a.pk, b.pk}
    SignalCheck.objects.create(
        proposal=b,
        kind=Kind.BANK_ACCOUNT,
        fingerprint=_signal(b, Kind.BANK_ACCOUNT).fingerprint,
        note="fine",
        checked_at=timezone.now(),
    )
    assert shown(signals="open") == {a.pk}
    assert shown(signals="any") == {a.pk, b.pk}
    assert shown() == {a.pk, b.pk, clean.pk}


def test_the_queue_with_the_signal_filter_costs_the_same_queries_for_3_or_30(reviewer, lu):
    client = log_in_with_second_factor(Client(), reviewer)

    def add(count):
        for _ in range(count):
            p = _proposal(lu, _organisation(iban=IBAN))
            integrity.refresh([p.pk], both_sides=False)

    def queries():
        params = {"todo": "all", "signals": "open", "sort": "-score"}
        client.get(reverse("grants:dashboard"), params)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("grants:dashboard"), params)
        assert response.status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(27)
    assert queries() == few


def test_applicants_and_other_countries_never_see_signals(pair, partner):
    a, b = pair
    applicant = member_of(b.organisation)
    client = Client()
    client.force_login(applicant)
    own_page = client.get(reverse("events:detail", args=[b.pk])).content.decode()
    assert "Integrity" not in own_page and "bank account (IBAN) as" not in own_page
    assert client.get(reverse("grants:proposal", args=[b.pk])).status_code in (302, 403, 404)
    assert client.post(
        reverse("grants:check_signal", args=[b.pk, Kind.BANK_ACCOUNT]), {"note": "fine!"}
    ).status_code in (302, 403, 404)

    stranger = PartnerStaffFactory(
        partner=PartnerFactory(countries=["DE"]), role=PartnerStaff.Role.MANAGER
    ).user
    other = log_in_with_second_factor(Client(), stranger)
    assert other.get(reverse("grants:proposal", args=[b.pk])).status_code == 404
    refused = other.post(
        reverse("grants:check_signal", args=[b.pk, Kind.BANK_ACCOUNT]), {"note": "fine!"}
    )
    assert refused.status_code == 404
    assert not SignalCheck.objects.exists()


def test_a_german_partner_sees_a_signal_pointing_to_luxembourg_only_as_a_count(pair):
    a, b = pair
    german = CountryProgrammeFactory(
        edition=a.country_programme.edition, country="DE", partner=PartnerFactory(countries=["DE"])
    )
    c = _proposal(german, _organisation(iban=IBAN, country="DE"), title="Hidden from DE")
    integrity.refresh([c.pk])
    manager = PartnerStaffFactory(partner=german.partner, role=PartnerStaff.Role.MANAGER).user
    page = _page(log_in_with_second_factor(Client(), manager), c)
    assert "as 2 other organisations" in page
    assert "Robots in Clervaux" not in page and "Scratch in Wiltz" not in page
    assert "And 2 more you cannot open" in page
