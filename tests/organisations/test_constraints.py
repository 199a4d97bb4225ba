"""Organisations, memberships and partner staff: what the database (and clean()) refuses."""

import pytest
from django.core.exceptions import ValidationError

from organisations.models import Membership, Organisation
from tests.factories import (
    LegalFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
)

pytestmark = pytest.mark.django_db


def test_a_person_joins_an_organisation_only_once(db_refuses):
    membership = MembershipFactory()

    with db_refuses("membership_unique", "organisations_membership.user_id"):
        MembershipFactory(user=membership.user, organisation=membership.organisation, role="member")

    assert Membership.objects.count() == 1


def test_a_person_may_act_for_two_organisations():
    membership = MembershipFactory()

    MembershipFactory(user=membership.user)

    assert membership.user.organisations.count() == 2


def test_membership_role_must_be_owner_or_member(db_refuses):
    with db_refuses("membership_role_valid"):
        MembershipFactory(role="admin")


def test_registration_number_is_unique_within_a_country(db_refuses):
    OrganisationFactory(registration_number="F0001")

    with db_refuses(
        "organisation_unique_registration",
        "organisations_organisation.country, organisations_organisation.registration_number",
    ):
        OrganisationFactory(registration_number="F0001")

    assert Organisation.objects.count() == 1


def test_the_same_registration_number_in_another_country_is_stored():
    OrganisationFactory(registration_number="F0001")

    OrganisationFactory(country="BE", legal_form__name="ASBL", registration_number="F0001")

    assert Organisation.objects.filter(registration_number="F0001").count() == 2


def test_organisation_factory_uses_a_legal_form_of_its_own_country():
    organisation = OrganisationFactory(country="BE")

    assert organisation.legal_form.country == organisation.country


def test_clean_refuses_a_legal_form_of_another_country():
    belgian_form = LegalFormFactory(country="BE", name="ASBL")
    organisation = OrganisationFactory.build(country="LU", legal_form=belgian_form)

    with pytest.raises(ValidationError) as refused:
        organisation.clean()

    assert list(refused.value.message_dict) == ["legal_form"]


def test_clean_accepts_a_legal_form_of_the_organisation_country():
    organisation = OrganisationFactory.build(country="LU", legal_form=LegalFormFactory())

    organisation.clean()  # no ValidationError


def test_a_person_is_staff_of_a_partner_only_once(db_refuses):
    staff = PartnerStaffFactory()

    with db_refuses("partnerstaff_unique", "organisations_partnerstaff.user_id"):
        PartnerStaffFactory(user=staff.user, partner=staff.partner, role="reviewer")
