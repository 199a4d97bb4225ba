"""The "My organisation" area through the test client: register, validate, join, and who may see
what. Every organisation URL answers 404 to a member of another organisation."""

import html
import re

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationValidation,
    PartnerStaff,
)
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

CREATE_URL = reverse("organisations:create")
DASHBOARD_URL = reverse("organisations:mine")


@pytest.fixture
def programme():
    """Luxembourg and Belgium run in the edition of PAST_YEAR; the latest edition is the current
    one."""
    EditionFactory(year=PAST_YEAR - 1)
    luxembourg = CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR))
    CountryProgrammeFactory(edition=luxembourg.edition, country="BE")
    return luxembourg


@pytest.fixture
def legal_forms(programme):
    return {
        "LU": LegalFormFactory(country="LU", name="ASBL"),
        "LU2": LegalFormFactory(country="LU", name="fondation"),
        "BE": LegalFormFactory(country="BE", name="VZW / ASBL"),
    }


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _form_data(legal_forms, **overrides) -> dict:
    data = {
        "name": "Coding Kids Luxembourg ASBL",
        "country": "LU",
        "legal_form": legal_forms["LU"].pk,
        "registration_number": "F0012345",
        "street": "12, rue de la Gare",
        "postcode": "L-1611",
        "city": "Luxembourg",
        "website": "https://codingkids.example.org",
        "contact_name": "Camille Weber",
        "contact_email": "camille@codingkids.example.org",
        "phone": "+352 621 123 456",
        "bank_account_holder": "Coding Kids Luxembourg ASBL",
        "iban": "LU28 0019 4006 4475 0000",
        "description": "We run Scratch clubs in libraries.",
    }
    return data | overrides


def _field_block(page: str, name: str) -> str:
    """The HTML crispy renders for one field: label, input, help text and its errors."""
    start = page.index(f'id="div_id_{name}"')
    following = page.find('id="div_id_', start + 1)
    return page[start : following if following != -1 else len(page)]


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _owned_organisation(country="LU", **kwargs) -> Organisation:
    return MembershipFactory(organisation__country=country, **kwargs).organisation


# --- register ---------------------------------------------------------------------------------


def test_a_person_registers_an_organisation_and_becomes_its_owner(client, person, legal_forms):
    response = client.post(CREATE_URL, _form_data(legal_forms))

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert organisation.iban == "LU280019400644750000"  # stored without spaces
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.status) == (person, "owner", "active")
    assert AuditEntry.objects.filter(
        action="organisation.register", actor=person, object_id=organisation.pk
    ).exists()
    page = _page(client.get(response["Location"]))
    assert "is registered and you are its owner" in page


def test_a_wrong_iban_checksum_is_shown_at_the_iban_and_keeps_everything_typed(
    client, person, legal_forms
):
    data = _form_data(legal_forms, iban="LU29 0019 4006 4475 0000")

    response = client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Organisation.objects.exists()
    page = _page(response)
    iban_block = _field_block(page, "iban")
    assert "This IBAN is not valid (invalid checksum digits)" in iban_block
    assert 'aria-invalid="true"' in iban_block
    assert "not valid" not in _field_block(page, "bank_account_holder")
    for name, value in data.items():
        if name == "legal_form":
            assert f'<option value="{value}" selected>ASBL</option>' in page
        elif name == "country":
            assert '<option value="LU" selected>Luxembourg</option>' in page
        else:
            assert str(value) in _field_block(page, name), name


def test_a_legal_form_of_another_country_is_refused(client, person, legal_forms):
    response = client.post(CREATE_URL, _form_data(legal_forms, legal_form=legal_forms["BE"].pk))

    assert response.status_code == 200
    assert not Organisation.objects.exists()
    block = _field_block(_page(response), "legal_form")
    assert "Choose a legal form that is valid in the chosen country." in block


def test_without_javascript_a_submit_without_legal_form_brings_the_countrys_forms(
    client, person, legal_forms
):
    response = client.post(CREATE_URL, _form_data(legal_forms, country="BE", legal_form=""))

    assert response.status_code == 200
    block = _field_block(_page(response), "legal_form")
    assert "Choose the legal form of your organisation." in block
    assert "VZW / ASBL" in block
    assert "fondation" not in block
    assert 'value="Coding Kids Luxembourg ASBL"' in _page(response)


def test_the_country_select_asks_for_its_legal_forms_through_htmx(client, person, legal_forms):
    page = _page(client.get(CREATE_URL))

    url = reverse("organisations:legal_forms")
    assert re.search(rf'<select name="country"[^>]*hx-get="{url}"', page)
    assert 'hx-target="#id_legal_form"' in page
    assert "Choose the country first" in _field_block(page, "legal_form")


def test_the_legal_form_endpoint_answers_only_the_options_of_the_country(
    client, person, legal_forms
):
    response = client.get(
        reverse("organisations:legal_forms"), {"country": "LU"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode().strip()
    assert response.status_code == 200
    assert body.startswith("<option") and "<html" not in body
    assert f'<option value="{legal_forms["LU"].pk}">ASBL</option>' in body
    assert "fondation" in body and "VZW" not in body


def test_a_registration_number_already_registered_points_to_joining(client, person, legal_forms):
    OrganisationFactory(country="LU", registration_number="F0012345")

    response = client.post(CREATE_URL, _form_data(legal_forms))

    assert "Ask to join it instead" in _field_block(_page(response), "registration_number")
    assert Organisation.objects.count() == 1


def test_an_owner_edits_the_organisation(client, legal_forms):
    membership = MembershipFactory(organisation__legal_form=legal_forms["LU"])
    client.force_login(membership.user)
    organisation = membership.organisation
    data = _form_data(
        legal_forms, city="Esch-sur-Alzette", registration_number=organisation.registration_number
    )

    response = client.post(reverse("organisations:edit", args=[organisation.pk]), data)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Esch-sur-Alzette"
    assert AuditEntry.objects.filter(action="organisation.update", actor=membership.user).exists()


def test_the_country_is_locked_once_a_partner_is_involved(client, programme, legal_forms):
    membership = MembershipFactory(organisation__legal_form=legal_forms["LU"])
    organisation = membership.organisation
    services.request_manual_validation(organisation, programme.edition, actor=membership.user)
    client.force_login(membership.user)
    data = _form_data(
        legal_forms, country="BE", registration_number=organisation.registration_number
    )

    client.post(reverse("organisations:edit", args=[organisation.pk]), data)

    organisation.refresh_from_db()
    assert organisation.country == "LU"


# --- dashboard ---------------------------------------------------------------------------------


def test_a_new_person_is_offered_to_register_or_join(client, person, programme):
    page = _page(client.get(DASHBOARD_URL))

    assert "Register your organisation" in page
    assert "Ask to join an existing one" in page
    assert reverse("organisations:create") in page and reverse("organisations:join") in page


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, "Enter the validation code from your national partner"),
        ("requested", "Waiting for your national partner to check"),
        ("refused", "could not validate your organisation"),
        ("validated", "you can write proposals."),
    ],
)
def test_the_dashboard_says_what_to_do_next(client, programme, state, expected):
    membership = MembershipFactory()
    if state:
        OrganisationValidation.objects.create(
            organisation=membership.organisation, edition=programme.edition, status=state
        )
    client.force_login(membership.user)

    page = _page(client.get(DASHBOARD_URL))

    assert membership.organisation.name in page
    assert expected in page


def test_an_old_editions_validation_does_not_count_for_the_current_one(client, programme):
    membership = MembershipFactory()
    old = EditionFactory(year=PAST_YEAR - 1)
    OrganisationValidation.objects.create(
        organisation=membership.organisation, edition=old, status="validated"
    )
    client.force_login(membership.user)

    page = _page(client.get(DASHBOARD_URL))

    assert "checks every organisation again in each edition" in page
    assert "you can write proposals" not in page


def test_the_dashboard_asks_few_queries_however_many_organisations(
    client, programme, django_assert_max_num_queries
):
    person = UserFactory()
    for _ in range(8):
        organisation = MembershipFactory(user=person).organisation
        OrganisationValidation.objects.create(organisation=organisation, edition=programme.edition)
        services.request_to_join(organisation, user=UserFactory())
    client.force_login(person)

    # 8 before the proposals list, which adds one, and the notifications (nav badge and list) one
    with django_assert_max_num_queries(10):
        response = client.get(DASHBOARD_URL)

    assert response.status_code == 200
    assert _page(response).count("asks to act for") == 8


def test_the_organisation_page_asks_few_queries_however_many_members(
    client, programme, django_assert_max_num_queries
):
    organisation = _owned_organisation()
    owner = organisation.memberships.get().user
    for _ in range(8):
        MembershipFactory(organisation=organisation, role="member")
        services.request_to_join(organisation, user=UserFactory())
    client.force_login(owner)

    # 9, the open invitations, the nav's unread notifications, and whether an earlier edition's
    # validation counts in this one
    with django_assert_max_num_queries(12):
        response = client.get(reverse("organisations:detail", args=[organisation.pk]))

    assert response.status_code == 200
    assert _page(response).count("asks to act for") == 8


# --- validation ------------------------------------------------------------------------------


@pytest.fixture
def member(client, programme):
    """A logged-in owner of a Luxembourg organisation, and a code for Luxembourg in PAST_YEAR."""
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def _manager(programme):
    """A manager of the programme's national partner, who may issue its codes."""
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


def _redeem(client, organisation, code):
    return client.post(
        reverse("organisations:redeem_token", args=[organisation.pk]), {"code": code}
    )


def test_a_validation_code_validates_the_organisation_for_the_edition(client, member, programme):
    token = services.issue_validation_tokens(programme, actor=_manager(programme))[0]
    organisation = member.organisation

    response = _redeem(client, organisation, token.code.lower().replace("-", " "))

    assert response.status_code == 302
    validation = OrganisationValidation.objects.get(organisation=organisation)
    assert (validation.edition, validation.status) == (programme.edition, "validated")
    page = _page(client.get(response["Location"]))
    assert f"is validated for Meet and Code {PAST_YEAR}" in page


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("used", "This code has been used already. Ask your national partner for a new one."),
        ("other_country", "This code is for organisations in another country."),
        ("unknown", "This code is not known. Check it against the partner's e-mail."),
        ("old_edition", "Ask your national partner for this year's code."),
    ],
)
def test_a_code_that_does_not_work_says_why_next_to_the_field(
    client, member, programme, which, message
):
    code = _code(which, programme)

    response = _redeem(client, member.organisation, code)

    assert response.status_code == 200
    block = _field_block(_page(response), "code")
    assert message in block
    assert f'value="{code}"' in block
    assert not OrganisationValidation.objects.filter(organisation=member.organisation).exists()


def _code(which: str, programme) -> str:
    if which == "unknown":
        return "AAAA-BBBB-CCCC"
    if which == "other_country":
        programme = programme.edition.country_programmes.get(country="BE")
    if which == "old_edition":
        programme = CountryProgrammeFactory(edition=EditionFactory(year=PAST_YEAR - 1))
    token = services.issue_validation_tokens(programme, actor=_manager(programme))[0]
    if which == "used":
        other = OrganisationFactory()
        services.redeem_validation_token(other, token.code, actor=member_of(other))
    return token.code


def test_a_member_asks_for_a_manual_check(client, member, programme):
    organisation = member.organisation

    response = client.post(reverse("organisations:request_validation", args=[organisation.pk]))

    assert response.status_code == 302
    validation = OrganisationValidation.objects.get(organisation=organisation)
    assert (validation.status, validation.edition) == ("requested", programme.edition)
    assert AuditEntry.objects.filter(action="validation.request", actor=member.user).exists()
    page = _page(client.get(response["Location"]))
    assert "Your national partner will check your organisation" in page
    assert "Ask for a check" not in page  # asked already


def test_the_page_says_when_the_edition_does_not_run_in_the_country(client, programme):
    membership = MembershipFactory(organisation__country="IE")
    client.force_login(membership.user)

    page = _page(client.get(reverse("organisations:detail", args=[membership.organisation.pk])))

    assert "does not run in Ireland" in page
    assert "Validation code" not in page


# --- join -------------------------------------------------------------------------------------


def test_the_search_shows_only_public_details_and_at_most_twenty(client, person, programme):
    clubs = [
        OrganisationFactory(name="Robo Club", contact_email="secret@example.org", phone="+352 1")
        for _ in range(25)
    ]

    response = client.get(reverse("organisations:join"), {"name": "robo", "country": "LU"})

    page = _page(response)
    assert len(response.context["results"]) == 20
    assert "Robo Club" in page and "Luxembourg" in page
    assert "secret@example.org" not in page and "+352 1" not in page
    assert not any(club.registration_number in page for club in clubs)


def test_a_person_asks_to_join_and_the_owner_accepts(client, programme):
    owner_membership = MembershipFactory(organisation__name="Robo Club Esch")
    organisation = owner_membership.organisation
    newcomer = UserFactory()
    client.force_login(newcomer)

    response = client.post(reverse("organisations:request_join", args=[organisation.pk]))

    assert response.status_code == 302
    request_ = Membership.objects.get(user=newcomer)
    assert request_.status == "requested"
    detail = reverse("organisations:detail", args=[organisation.pk])
    assert client.get(detail).status_code == 404  # not before an owner accepts

    client.force_login(owner_membership.user)
    page = _page(client.get(DASHBOARD_URL))
    assert newcomer.email in page
    accept = reverse("organisations:accept_member", args=[request_.pk])
    assert accept in page
    response = client.post(accept, {"next": DASHBOARD_URL})

    assert response.status_code == 302 and response["Location"] == DASHBOARD_URL
    request_.refresh_from_db()
    assert request_.status == "active"
    client.force_login(newcomer)
    assert client.get(detail).status_code == 200


def test_a_plain_member_cannot_accept_or_edit(client, programme):
    organisation = _owned_organisation()
    plain = MembershipFactory(organisation=organisation, role="member").user
    waiting = services.request_to_join(organisation, user=UserFactory())
    client.force_login(plain)

    assert client.post(reverse("organisations:accept_member", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("organisations:edit", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("organisations:detail", args=[organisation.pk])).status_code == 200


# --- who may see what: every organisation URL -------------------------------------------------


@pytest.fixture
def world(programme):
    """Organisation A with its owner and a pending join request; B's owner is the stranger."""
    organisation = _owned_organisation()
    owner = organisation.memberships.get().user
    stranger = _owned_organisation().memberships.get().user
    waiting = services.request_to_join(organisation, user=UserFactory())
    token = services.issue_validation_tokens(programme, actor=_manager(programme))[0]
    return {
        "organisation": organisation,
        "owner": owner,
        "stranger": stranger,
        "waiting": waiting,
        "token": token,
    }


# name, method, the object the URL is about, the POST data, the right person's status
ORGANISATION_URLS = [
    ("organisations:detail", "get", "organisation", None, 200),
    ("organisations:edit", "get", "organisation", None, 200),
    ("organisations:redeem_token", "post", "organisation", "code", 302),
    ("organisations:request_validation", "post", "organisation", None, 302),
    ("organisations:accept_member", "post", "waiting", None, 302),
]


def _ask(client, world, name, method, about, data):
    url = reverse(name, args=[world[about].pk])
    payload = {"code": world["token"].code} if data == "code" else {}
    return getattr(client, method)(url, payload)


@pytest.mark.parametrize(("name", "method", "about", "data", "_ok"), ORGANISATION_URLS)
def test_a_member_of_another_organisation_gets_404(client, world, name, method, about, data, _ok):
    client.force_login(world["stranger"])

    response = _ask(client, world, name, method, about, data)

    assert response.status_code == 404
    assert not OrganisationValidation.objects.exists()
    assert Membership.objects.get(pk=world["waiting"].pk).status == "requested"


@pytest.mark.parametrize(("name", "method", "about", "data", "_ok"), ORGANISATION_URLS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, world, name, method, about, data, _ok):
    response = _ask(client, world, name, method, about, data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "about", "data", "ok"), ORGANISATION_URLS)
def test_the_owner_gets_the_page_or_the_action(client, world, name, method, about, data, ok):
    client.force_login(world["owner"])

    response = _ask(client, world, name, method, about, data)

    assert response.status_code == ok


@pytest.mark.parametrize("name", ["organisations:redeem_token", "organisations:request_validation"])
def test_changes_refuse_get(client, world, name):
    client.force_login(world["owner"])

    response = client.get(reverse(name, args=[world["organisation"].pk]))

    assert response.status_code == 405


@pytest.mark.parametrize(
    "name", ["organisations:mine", "organisations:create", "organisations:join"]
)
def test_the_area_pages_need_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_organisations_and_join_requests_cost_the_same_queries_for_one_or_many(client, programme):
    """The page's organisations and both kinds of join request are one query together."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = MembershipFactory(organisation__name="Alpha Code Club")
    client.force_login(owner.user)
    with CaptureQueriesContext(connection) as one:
        first = _page(client.get(DASHBOARD_URL))

    second_club = MembershipFactory(user=owner.user, organisation__name="Beta Code Club")
    OrganisationValidation.objects.create(
        organisation=second_club.organisation, edition=programme.edition, status="requested"
    )
    for name in ("Ada", "Grace"):
        MembershipFactory(
            user=UserFactory(first_name=name, last_name="Lovelace" if name == "Ada" else "Hopper"),
            organisation=second_club.organisation,
            role=Membership.Role.MEMBER,
            status=Membership.Status.REQUESTED,
        )
    MembershipFactory(
        user=owner.user,
        organisation__name="Gamma Robotics",
        role=Membership.Role.MEMBER,
        status=Membership.Status.REQUESTED,
    )
    with CaptureQueriesContext(connection) as many:
        page = _page(client.get(DASHBOARD_URL))

    assert len(many.captured_queries) == len(one.captured_queries)
    assert "People asking to join" not in first and "Waiting for an owner" not in first
    cards = page[page.index("Your organisations") :]
    assert cards.index("Alpha Code Club") < cards.index("Beta Code Club")
    assert "Waiting for your national partner to check" in page  # Beta's validation
    assert "People asking to join" in page and page.index("Ada") < page.index("Grace")
    assert "You asked to join Gamma Robotics" in page
