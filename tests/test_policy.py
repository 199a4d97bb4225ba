"""The one policy (organisations.permissions.may): every surface asks it, and each service
guards itself with it, so a caller that forgot to check cannot act for someone else."""

import pytest
from django.core.exceptions import PermissionDenied

from events import reports, services
from organisations import services as organisation_services
from organisations.models import AuditEntry, Membership, PartnerStaff, ValidationToken
from organisations.permissions import actions, may, require
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return ProposalFactory()


@pytest.fixture
def member(proposal):
    user = UserFactory()
    MembershipFactory(user=user, organisation=proposal.organisation, status="active")
    return user


@pytest.fixture
def stranger():
    return UserFactory()


def test_each_app_defines_the_rules_about_its_own_objects():
    assert {
        "account.own",
        "organisation.act",
        "organisation.own",
        "programme.review",
        "programme.decide",
        "programme.configure",
        "partner_pages.open",
        "partner_pages.decide",
        "country_pages.edit_own",
        "proposal.act",
        "proposal.review",
        "proposal.decide",
        "library.edit",
    } <= set(actions())


def test_a_person_owns_their_own_account_and_nobody_else_does(member, stranger):
    assert may(member, "account.own", member)
    assert not may(stranger, "account.own", member)
    assert not may(None, "account.own", member)
    with pytest.raises(PermissionDenied, match="Only the person themselves"):
        require(stranger, "account.own", member)


def test_an_unknown_action_is_a_programming_error(member):
    with pytest.raises(KeyError):
        may(member, "proposal.approve_everything")


def test_nobody_signed_out_may_do_anything(proposal):
    assert not may(None, "proposal.act", proposal)


def test_a_member_acts_for_the_proposal_and_a_stranger_does_not(proposal, member, stranger):
    assert may(member, "proposal.act", proposal)
    assert not may(stranger, "proposal.act", proposal)
    with pytest.raises(PermissionDenied, match="Only the organisation's members"):
        require(stranger, "proposal.act", proposal)


def test_a_former_member_no_longer_acts_for_the_proposal(proposal, member):
    Membership.objects.filter(user=member).update(status=Membership.Status.REMOVED)

    assert not may(member, "proposal.act", proposal)


@pytest.mark.parametrize(
    "call",
    [
        lambda p, who: services.save_draft_section(
            p, actor=who, section="basics", data={"title": "Mine now"}
        ),
        lambda p, who: services.submit_proposal(p, actor=who),
        lambda p, who: services.withdraw_proposal(p, actor=who),
        lambda p, who: services.create_draft(
            p.organisation, actor=who, country_programme=p.country_programme
        ),
        lambda p, who: services.copy_proposal(p, actor=who, country_programme=p.country_programme),
        lambda p, who: reports.submit_report(p, actor=who),
    ],
    ids=["save", "submit", "withdraw", "create", "copy", "report"],
)
def test_the_applicant_services_refuse_someone_outside_the_organisation(proposal, stranger, call):
    title, status = proposal.title, proposal.status

    with pytest.raises(PermissionDenied):
        call(proposal, stranger)

    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == (title, status)


def test_partner_roles_review_and_decide_only_in_their_countries(proposal):
    reviewer = PartnerStaffFactory(
        partner=proposal.country_programme.partner, role=PartnerStaff.Role.REVIEWER
    ).user
    manager = PartnerStaffFactory(
        partner=proposal.country_programme.partner, role=PartnerStaff.Role.MANAGER
    ).user
    elsewhere = PartnerStaffFactory(
        partner=PartnerFactory(countries=["BE"]), role=PartnerStaff.Role.MANAGER
    ).user

    assert may(reviewer, "proposal.review", proposal)
    assert not may(reviewer, "proposal.decide", proposal)
    assert may(manager, "proposal.decide", proposal)
    assert not may(elsewhere, "proposal.review", proposal)


def test_only_an_owner_may_change_the_organisation(proposal):
    organisation = proposal.organisation
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    plain = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    city = organisation.city

    with pytest.raises(PermissionDenied, match="Only an owner"):
        organisation_services.update_organisation(organisation, actor=plain, city="Esch")

    organisation.refresh_from_db()
    assert organisation.city == city
    assert not AuditEntry.objects.filter(action="organisation.update").exists()
    assert may(owner, "organisation.own", organisation)


def test_a_manager_of_another_country_may_not_issue_validation_codes():
    luxembourg = CountryProgrammeFactory(country="LU")
    elsewhere = PartnerStaffFactory(
        partner=PartnerFactory(countries=["BE"]), role=PartnerStaff.Role.MANAGER
    ).user

    with pytest.raises(PermissionDenied, match="Only a manager"):
        organisation_services.issue_validation_tokens(luxembourg, actor=elsewhere, count=2)

    assert not ValidationToken.objects.exists()
    assert not AuditEntry.objects.filter(action="token.issue").exists()
