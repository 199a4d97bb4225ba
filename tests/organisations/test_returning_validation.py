"""``is_validated`` for returning organisations: the country programme of the edition decides
whether a validation of an earlier edition counts; a refusal in the edition always wins."""

import pytest
from django.utils import timezone

from organisations import services
from organisations.models import OrganisationValidation
from programmes.models import CountryProgramme
from tests.factories import CountryProgrammeFactory, EditionFactory, OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

STAY = CountryProgramme.ReturningOrganisations.STAY_VALIDATED
Status = OrganisationValidation.Status


@pytest.fixture
def editions():
    """Last year's and this year's editions; this year's Luxembourg keeps returning ones."""
    year = timezone.localdate().year
    last, current = EditionFactory(year=year - 1), EditionFactory(year=year)
    CountryProgrammeFactory(edition=current, returning_organisations=STAY)
    return last, current


def validated_in(edition, status=Status.VALIDATED, **fields):
    organisation = OrganisationFactory(**fields)
    OrganisationValidation.objects.create(organisation=organisation, edition=edition, status=status)
    return organisation


def test_an_earlier_validation_counts_where_the_country_keeps_returning_organisations(editions):
    last, current = editions

    assert services.is_validated(validated_in(last), current)


def test_an_earlier_validation_does_not_count_where_the_country_checks_again(editions):
    last, current = editions
    CountryProgramme.objects.filter(edition=current).update(
        returning_organisations=CountryProgramme.ReturningOrganisations.CHECK_AGAIN
    )

    assert not services.is_validated(validated_in(last), current)


def test_an_earlier_refusal_or_request_is_no_validation(editions):
    last, current = editions

    assert not services.is_validated(validated_in(last, Status.REFUSED), current)
    assert not services.is_validated(validated_in(last, Status.REQUESTED), current)


def test_a_pending_check_in_this_edition_keeps_the_earlier_validation(editions):
    last, current = editions
    organisation = validated_in(last)
    OrganisationValidation.objects.create(
        organisation=organisation, edition=current, status=Status.REQUESTED
    )

    assert services.is_validated(organisation, current)


def test_a_refusal_in_this_edition_wins(editions):
    last, current = editions
    organisation = validated_in(last)
    OrganisationValidation.objects.create(
        organisation=organisation, edition=current, status=Status.REFUSED
    )

    assert not services.is_validated(organisation, current)
    # the applicant may ask again once they fixed what the partner named
    services.request_manual_validation(organisation, current, actor=member_of(organisation))
    assert organisation.validations.get(edition=current).status == Status.REQUESTED


def test_an_organisation_of_a_country_without_the_setting_is_checked_again(editions):
    last, current = editions
    CountryProgrammeFactory(edition=current, country="BE")

    assert not services.is_validated(validated_in(last, country="BE"), current)


def test_a_later_edition_validation_does_not_count_for_an_earlier_edition(editions):
    last, current = editions
    CountryProgrammeFactory(edition=last, returning_organisations=STAY)

    assert not services.is_validated(validated_in(current), last)


def test_a_returning_organisation_cannot_ask_for_a_check_it_does_not_need(editions):
    last, current = editions
    organisation = validated_in(last)

    with pytest.raises(services.DomainError, match="validated already"):
        services.request_manual_validation(organisation, current, actor=member_of(organisation))
    assert not organisation.validations.filter(edition=current).exists()


def test_the_organisation_page_offers_no_code_form_to_a_returning_organisation(client, editions):
    """Its owner reads that nothing more is needed, instead of a code form and a check button."""
    from django.urls import reverse

    from tests.factories import MembershipFactory

    last, _current = editions
    organisation = validated_in(last)
    owner = MembershipFactory(organisation=organisation).user
    client.force_login(owner)

    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()

    assert "You need no new code and no new check for this edition" in page
    assert reverse("organisations:redeem_token", args=[organisation.pk]) not in page


def test_the_partner_sees_a_returning_organisation_as_validated(client, editions, two_factor_login):
    """No validation row for this edition, but Luxembourg keeps returning ones: the partner's
    proposal page says it is validated by an earlier edition, not "not validated"."""
    from django.urls import reverse

    from organisations.models import PartnerStaff
    from tests.factories import PartnerStaffFactory, ProposalFactory

    last, current = editions
    programme = CountryProgramme.objects.get(edition=current)
    proposal = ProposalFactory(
        organisation=validated_in(last), country_programme=programme, status="submitted"
    )
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user

    url = reverse("grants:proposal", args=[proposal.pk])
    page = two_factor_login(client, manager).get(url).content.decode()

    assert "Validated in an earlier edition" in page
    assert "Not validated for this edition" not in page
