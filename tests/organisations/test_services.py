"""The organisation services: register, update, join, accept, and validation for an edition."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from meetandcode.kernel.exceptions import DomainError
from organisations import audit, services
from organisations.models import AuditEntry, Membership, OrganisationValidation, ValidationToken
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    LegalFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

VALID_IBAN = "LU28 0019 4006 4475 0000"
JOIN_TIMEOUT_SECONDS = 30


def _actions(target) -> list[str]:
    return list(audit.entries_for(target).order_by("id").values_list("action", flat=True))


@pytest.fixture
def programme():
    """Luxembourg in the factories' edition (PAST_YEAR)."""
    return CountryProgrammeFactory()


@pytest.fixture
def partner_manager(programme):
    return PartnerStaffFactory(partner=programme.partner).user


@pytest.fixture
def organisation(programme):
    return OrganisationFactory(country="LU")


def _token(programme, actor) -> ValidationToken:
    return services.issue_validation_tokens(programme, actor=actor)[0]


def _fields(**overrides) -> dict:
    fields = {
        "name": "Coding Kids Luxembourg ASBL",
        "country": "LU",
        "legal_form": LegalFormFactory(country="LU", name="ASBL"),
        "registration_number": "F0012345",
        "street": "12, rue de la Gare",
        "postcode": "L-1611",
        "city": "Luxembourg",
        "contact_name": "Camille Weber",
        "contact_email": "camille@codingkids.example.org",
        "iban": VALID_IBAN.replace(" ", ""),
    }
    return fields | overrides


# --- register, update -------------------------------------------------------------------------


def test_register_organisation_makes_the_person_its_owner_and_records_it():
    person = UserFactory()

    organisation = services.register_organisation(owner=person, **_fields())

    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.status) == (person, "owner", "active")
    entry = AuditEntry.objects.get(object_id=organisation.pk, action="organisation.register")
    assert entry.actor == person


def test_register_organisation_refuses_a_legal_form_of_another_country():
    belgian_form = LegalFormFactory(country="BE", name="VZW")

    with pytest.raises(ValidationError) as refused:
        services.register_organisation(owner=UserFactory(), **_fields(legal_form=belgian_form))

    assert "legal_form" in refused.value.message_dict
    assert not Membership.objects.exists()


def test_register_organisation_refuses_a_wrong_iban_checksum():
    with pytest.raises(ValidationError) as refused:
        services.register_organisation(owner=UserFactory(), **_fields(iban="LU290019400644750000"))

    assert "iban" in refused.value.message_dict


def test_update_organisation_records_the_changed_fields(organisation):
    owner = MembershipFactory(organisation=organisation, role="owner").user

    updated = services.update_organisation(
        organisation, actor=owner, city="Esch-sur-Alzette", name=organisation.name
    )

    assert updated.city == "Esch-sur-Alzette"
    entry = AuditEntry.objects.get(object_id=organisation.pk, action="organisation.update")
    assert entry.data == {"fields": ["city"]}
    assert entry.actor == owner


# --- join, accept -------------------------------------------------------------------------------


def test_request_to_join_waits_for_an_owner_and_is_recorded_once(organisation):
    person = UserFactory()

    first = services.request_to_join(organisation, user=person)
    again = services.request_to_join(organisation, user=person)

    assert first.pk == again.pk
    assert (first.status, first.role) == ("requested", "member")
    assert _actions(organisation).count("membership.request") == 1


def test_request_to_join_leaves_an_existing_member_as_they_are():
    membership = MembershipFactory(role="owner")

    again = services.request_to_join(membership.organisation, user=membership.user)

    assert (again.status, again.role) == ("active", "owner")


def test_accept_member_lets_the_person_act_for_the_organisation(organisation):
    owner = MembershipFactory(organisation=organisation).user
    waiting = services.request_to_join(organisation, user=UserFactory())

    accepted = services.accept_member(waiting, actor=owner)

    assert accepted.status == "active"
    entry = AuditEntry.objects.get(object_id=organisation.pk, action="membership.accept")
    assert (entry.actor, entry.data) == (owner, {"user": waiting.user_id})


def test_accept_member_refuses_someone_already_a_member(organisation):
    waiting = services.request_to_join(organisation, user=UserFactory())
    services.accept_member(waiting, actor=None)

    with pytest.raises(DomainError, match="already a member"):
        services.accept_member(waiting, actor=None)


# --- validation tokens ----------------------------------------------------------------------


def test_issued_tokens_are_unique_readable_codes(programme, partner_manager):
    tokens = services.issue_validation_tokens(programme, actor=partner_manager, count=5)

    codes = {token.code for token in tokens}
    assert len(codes) == 5
    assert all(
        re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", c) for c in codes
    )
    assert AuditEntry.objects.filter(action="token.issue").count() == 5


def test_a_code_is_accepted_whatever_its_case_and_spacing():
    assert services.normalise_code(" abcd efgh-jkLM ") == "ABCD-EFGH-JKLM"


def test_redeeming_a_token_validates_the_organisation_for_its_edition(
    programme, partner_manager, organisation
):
    token = _token(programme, partner_manager)
    person = MembershipFactory(organisation=organisation).user

    validation = services.redeem_validation_token(
        organisation, token.code.lower(), actor=person, edition=programme.edition
    )

    assert (validation.edition, validation.status, validation.method) == (
        programme.edition,
        "validated",
        "token",
    )
    token.refresh_from_db()
    assert token.redeemed_by == organisation and token.redeemed_at is not None
    assert services.is_validated(organisation, programme.edition)
    assert "validation.validated" in _actions(organisation)


def test_a_token_cannot_be_redeemed_twice(programme, partner_manager, organisation):
    token = _token(programme, partner_manager)
    services.redeem_validation_token(organisation, token.code, actor=member_of(organisation))
    other = OrganisationFactory(country="LU")

    with pytest.raises(services.TokenNotValid, match="used already"):
        services.redeem_validation_token(other, token.code, actor=member_of(other))

    assert not services.is_validated(other, programme.edition)


def test_an_unknown_code_is_refused(organisation, programme):
    with pytest.raises(services.TokenNotValid, match="not known"):
        services.redeem_validation_token(
            organisation, "AAAA-BBBB-CCCC", actor=member_of(organisation)
        )


def test_a_token_of_another_country_is_refused(programme, partner_manager):
    token = _token(programme, partner_manager)
    belgian = OrganisationFactory(country="BE")

    with pytest.raises(services.TokenNotValid, match="another country"):
        services.redeem_validation_token(belgian, token.code, actor=member_of(belgian))

    token.refresh_from_db()
    assert token.redeemed_at is None


def test_a_token_of_another_edition_is_refused_when_the_page_asks_for_this_one(
    programme, partner_manager, organisation
):
    token = _token(
        CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR - 1)), partner_manager
    )

    with pytest.raises(services.TokenNotValid, match="this year's code"):
        services.redeem_validation_token(
            organisation, token.code, actor=member_of(organisation), edition=programme.edition
        )


def test_a_validated_organisation_keeps_a_second_token_unused(
    programme, partner_manager, organisation
):
    first, second = services.issue_validation_tokens(programme, actor=partner_manager, count=2)
    person = member_of(organisation)
    services.redeem_validation_token(organisation, first.code, actor=person)

    with pytest.raises(services.TokenNotValid, match="validated already"):
        services.redeem_validation_token(organisation, second.code, actor=person)

    second.refresh_from_db()
    assert second.redeemed_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_organisations_typing_the_same_code_at_once_only_one_is_validated():
    programme = CountryProgrammeFactory()
    token = _token(programme, PartnerStaffFactory(partner=programme.partner).user)
    organisations = [OrganisationFactory(country="LU") for _ in range(2)]
    people = [member_of(organisation) for organisation in organisations]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def redeem(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_SECONDS)
            outcomes[index] = services.redeem_validation_token(
                organisations[index], token.code, actor=people[index]
            )
        except Exception as exc:  # recorded and asserted on below
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_SECONDS)

    assert not any(thread.is_alive() for thread in threads)
    won = [o for o in outcomes if isinstance(o, OrganisationValidation)]
    lost = [o for o in outcomes if isinstance(o, services.TokenNotValid)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert OrganisationValidation.objects.filter(status="validated").count() == 1
    token.refresh_from_db()
    assert token.redeemed_by == won[0].organisation


# --- manual check -----------------------------------------------------------------------------


def test_request_manual_validation_asks_the_partner_once(programme, organisation):
    person = member_of(organisation)

    first = services.request_manual_validation(organisation, programme.edition, actor=person)
    again = services.request_manual_validation(organisation, programme.edition, actor=person)

    assert first.pk == again.pk
    assert (first.status, first.method) == ("requested", "manual")
    assert _actions(organisation).count("validation.request") == 1


def test_request_manual_validation_asks_again_after_a_refusal(
    programme, partner_manager, organisation
):
    edition = programme.edition
    person = member_of(organisation)
    services.request_manual_validation(organisation, edition, actor=person)
    services.decide_validation(
        organisation, edition, actor=partner_manager, validated=False, reason="No statutes."
    )

    validation = services.request_manual_validation(organisation, edition, actor=person)

    assert (validation.status, validation.decided_by) == ("requested", None)
    entry = AuditEntry.objects.filter(
        object_id=organisation.pk, action="validation.request"
    ).first()
    assert (entry.from_state, entry.to_state) == ("refused", "requested")


def test_request_manual_validation_refuses_a_validated_organisation(
    programme, partner_manager, organisation
):
    person = member_of(organisation)
    services.redeem_validation_token(
        organisation, _token(programme, partner_manager).code, actor=person
    )

    with pytest.raises(DomainError, match="validated already"):
        services.request_manual_validation(organisation, programme.edition, actor=person)


def test_request_manual_validation_refuses_a_country_the_edition_does_not_run_in(programme):
    irish = OrganisationFactory(country="IE")

    with pytest.raises(DomainError, match="does not run"):
        services.request_manual_validation(irish, programme.edition, actor=member_of(irish))

    assert not OrganisationValidation.objects.exists()


def test_decide_validation_refuses_without_a_reason(programme, partner_manager, organisation):
    services.request_manual_validation(
        organisation, programme.edition, actor=member_of(organisation)
    )

    with pytest.raises(DomainError, match="Say why"):
        services.decide_validation(
            organisation, programme.edition, actor=partner_manager, validated=False, reason="  "
        )

    assert OrganisationValidation.objects.get().status == "requested"


def test_decide_validation_validates_after_a_manual_check(programme, partner_manager, organisation):
    services.request_manual_validation(
        organisation, programme.edition, actor=member_of(organisation)
    )

    validation = services.decide_validation(
        organisation, programme.edition, actor=partner_manager, validated=True
    )

    assert (validation.status, validation.decided_by) == ("validated", partner_manager)
    assert services.is_validated(organisation, programme.edition)
    entry = AuditEntry.objects.filter(object_id=organisation.pk).first()
    assert (entry.action, entry.from_state, entry.to_state) == (
        "validation.validated",
        "requested",
        "validated",
    )


def test_decide_validation_records_the_reason_of_a_refusal(
    programme, partner_manager, organisation
):
    validation = services.decide_validation(
        organisation, programme.edition, actor=partner_manager, validated=False, reason="No seal."
    )

    assert (validation.status, validation.reason) == ("refused", "No seal.")
    assert not services.is_validated(organisation, programme.edition)


def test_is_validated_is_per_edition(programme, partner_manager, organisation):
    services.redeem_validation_token(
        organisation, _token(programme, partner_manager).code, actor=member_of(organisation)
    )

    assert services.is_validated(organisation, programme.edition)
    assert not services.is_validated(organisation, EditionFactory(year=PAST_YEAR + 1))
