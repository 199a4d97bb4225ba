"""Organisation validation by national partner managers: validation codes (one or a batch,
shown once, optionally e-mailed) and the manual check (validate, or refuse with a reason)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants.services import decide_organisation, issue_tokens
from meetandcode.kernel.exceptions import DomainError
from organisations.models import OrganisationValidation, PartnerStaff, ValidationToken
from organisations.services import redeem_validation_token, request_manual_validation
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
)

pytestmark = pytest.mark.django_db

V = OrganisationValidation.Status


@pytest.fixture
def programme():
    return CountryProgrammeFactory()


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def manager_client(client, two_factor_login, manager):
    return two_factor_login(client, manager)


@pytest.fixture
def waiting(programme):
    """An organisation of the programme's country that asked for a manual check."""
    organisation = OrganisationFactory(name="Robot Friends ASBL")
    owner = MembershipFactory(organisation=organisation).user
    return request_manual_validation(organisation, programme.edition, actor=owner)


def test_a_manager_issues_a_batch_of_codes_shown_once_and_e_mailed(
    manager_client, programme, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("grants:tokens"),
            {"country_programme": programme.pk, "count": "3", "email": "office@school.example"},
        )

    html = response.content.decode()
    codes = list(ValidationToken.objects.values_list("code", flat=True))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert len(codes) == 3 and all(code in html for code in codes)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@school.example"]
    assert all(code in mail.outbox[0].body for code in codes)
    again = manager_client.get(reverse("grants:tokens")).content.decode()
    assert not any(code in again for code in codes)


def test_an_issued_code_validates_an_organisation_of_the_country(manager, programme):
    [token] = issue_tokens(programme, actor=manager, count=1)
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation).user

    validation = redeem_validation_token(organisation, token.code, actor=owner)

    assert validation.status == V.VALIDATED


def test_a_wrong_count_is_refused_next_to_the_field(manager_client, programme):
    response = manager_client.post(
        reverse("grants:tokens"), {"country_programme": programme.pk, "count": "0"}
    )

    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    assert not ValidationToken.objects.exists()


def test_a_manager_cannot_issue_codes_for_another_country(manager_client, manager):
    belgium = CountryProgrammeFactory(country="BE")

    response = manager_client.post(
        reverse("grants:tokens"), {"country_programme": belgium.pk, "count": "1"}
    )

    assert response.status_code == 400  # not one of the choices
    with pytest.raises(PermissionDenied):
        issue_tokens(belgium, actor=manager)
    assert not ValidationToken.objects.exists()


def test_a_reviewer_cannot_open_the_token_page(client, two_factor_login, programme):
    reviewer = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER)
    two_factor_login(client, reviewer.user)

    assert client.get(reverse("grants:tokens")).status_code == 403
    assert client.get(reverse("grants:validations")).status_code == 403


def test_the_manual_check_list_shows_organisations_of_the_managers_countries(
    manager_client, waiting
):
    belgian = OrganisationFactory(country="BE", name="Brussels Bits ASBL")
    CountryProgrammeFactory(country="BE", edition=waiting.edition)
    request_manual_validation(
        belgian, waiting.edition, actor=MembershipFactory(organisation=belgian).user
    )

    html = manager_client.get(reverse("grants:validations")).content.decode()

    assert "Robot Friends ASBL" in html
    assert "Brussels Bits ASBL" not in html


def test_a_manager_validates_an_organisation(manager_client, waiting, manager):
    response = manager_client.post(
        reverse("grants:decide_validation", args=[waiting.pk]), {"decision": "validate"}
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (V.VALIDATED, manager)


def test_a_refusal_needs_a_reason_which_the_applicant_reads(manager_client, waiting):
    url = reverse("grants:decide_validation", args=[waiting.pk])

    empty = manager_client.post(url, {"decision": "refuse", "reason": ""})
    assert empty.status_code == 400
    assert "Say why; the applicant will read it." in empty.content.decode()

    manager_client.post(url, {"decision": "refuse", "reason": "The registration number is wrong."})

    waiting.refresh_from_db()
    assert (waiting.status, waiting.reason) == (V.REFUSED, "The registration number is wrong.")


def test_a_manager_of_another_country_cannot_decide(client, two_factor_login, waiting):
    belgian = PartnerStaffFactory(partner__countries=["BE"]).user
    two_factor_login(client, belgian)

    response = client.post(
        reverse("grants:decide_validation", args=[waiting.pk]), {"decision": "validate"}
    )

    assert response.status_code == 404
    with pytest.raises(PermissionDenied, match="manager"):
        decide_organisation(waiting.organisation, waiting.edition, actor=belgian, validated=True)
    waiting.refresh_from_db()
    assert waiting.status == V.REQUESTED


def test_a_refusal_without_reason_is_refused_by_the_service(manager, waiting):
    with pytest.raises(DomainError):
        decide_organisation(waiting.organisation, waiting.edition, actor=manager, validated=False)
