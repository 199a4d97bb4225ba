"""The award letter: built after an approval, with the right facts in an A4 PDF with its fonts
embedded, verifiable on a public page, downloadable only by those allowed, rebuilt as a new
version when the amount changes, and rendered without WeasyPrint reaching outside the app.

Tasks run eagerly here (in this process); the letters are stored under the test's tmp_path.
"""

import datetime as dt
import io
import re
import socket
from decimal import Decimal
from urllib.parse import urlparse

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from events.models import Proposal
from grants import letters
from grants.letters import ResourceRefused, StaticOnlyFetcher, current_letter
from grants.models import AwardLetter, Grant
from grants.services import approve_proposal
from grants.tasks import build_award_letter_task, build_missing_award_letters
from programmes.models import CountryProgramme
from tests.factories import (
    PAST_CODE,
    PAST_YEAR,
    CountryProgrammeFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    with_totp,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def programme():
    # Letters are written in the country's languages (tests/i18n/test_country_content.py); this
    # one in English, the language the assertions here read.
    return CountryProgrammeFactory(report_deadline_hours=72, languages=["en"])


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Asociația Științe Громада ASBL",
        registration_number="F012345",
        street="12, rue de l'Alzette",
        postcode="L-4011",
        city="Esch-sur-Alzette",
        contact_name="Ioana Popescu",
        contact_email="ioana@stiinte.example.org",
    )


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(
        partner=programme.partner, user=UserFactory(email="manager@partner.example.org")
    ).user


@pytest.fixture
def proposal(organisation, programme):
    return ProposalFactory(
        organisation=organisation,
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Robots in the library",
        requested_amount=Decimal("400.00"),
    )


@pytest.fixture
def grant(proposal, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return approve_proposal(proposal, actor=manager)


def pdf_of(letter: AwardLetter) -> PdfReader:
    with letter.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def text_of(letter: AwardLetter) -> str:
    return "\n".join(page.extract_text() for page in pdf_of(letter).pages)


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Each font the pages use: is its font program embedded in the file?"""
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


# --- Building the letter ----------------------------------------------------------------------


def test_approving_a_proposal_builds_an_a4_letter_with_the_facts(grant, organisation):
    letter = current_letter(grant)

    assert letter is not None and letter.version == 1 and not letter.superseded
    text = text_of(letter)
    assert grant.reference == f"{PAST_CODE}-LU-0001"
    assert f"{PAST_CODE}-LU-0001" in text
    assert "Asociația Științe Громада ASBL" in text
    assert "EUR 400.00" in text
    assert "Robots in the library" in text
    assert "F012345" in text and "ASBL" in text and "Esch-sur-Alzette" in text
    assert grant.country_programme.partner.name in text
    assert "72 hours" in text  # the report deadline of this country programme
    assert letter.code in text and f"/letters/verify/{letter.code}/" in text
    assert re.search(r"Page 1 of \d", text)
    width, height = pdf_of(letter).pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


def test_the_letter_embeds_its_fonts_and_they_cover_romanian_and_ukrainian(grant):
    fonts = fonts_of(pdf_of(current_letter(grant)))

    assert fonts and all(fonts.values()), fonts
    assert any("NotoSans" in name.replace("-", "") for name in fonts), fonts
    text = text_of(current_letter(grant))
    assert "ț" in text and "Ș" in text and "Громада" in text


def test_running_the_task_twice_keeps_one_letter(grant):
    first = current_letter(grant)

    build_award_letter_task.delay(grant.pk)
    build_award_letter_task.delay(grant.pk)

    assert list(AwardLetter.objects.filter(grant=grant)) == [first]


def test_a_changed_amount_makes_version_2_and_supersedes_the_first(grant, client):
    first = current_letter(grant)
    Grant.objects.filter(pk=grant.pk).update(amount=Decimal("300.00"))

    build_award_letter_task.delay(grant.pk)

    first.refresh_from_db()
    second = current_letter(grant)
    assert first.superseded and second.version == 2 and second.code != first.code
    assert "EUR 300.00" in text_of(second) and "EUR 400.00" not in text_of(second)
    old_page = client.get(reverse("letters:verify", args=[first.code]))
    assert "a newer version replaces it" in old_page.text
    assert "EUR 400.00" in old_page.text  # what that letter said, as issued


def test_a_cancelled_grant_gets_no_letter(proposal, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        grant = approve_proposal(proposal, actor=manager)
    Grant.objects.filter(pk=grant.pk).update(status=Grant.Status.CANCELLED)

    assert letters.build_award_letter(grant.pk) is None
    assert not AwardLetter.objects.exists()


def test_the_approval_succeeds_when_the_broker_is_down_and_the_sweep_builds_the_letter(
    proposal, manager, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis")

    with monkeypatch.context() as patched:
        patched.setattr(build_award_letter_task, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            grant = approve_proposal(proposal, actor=manager)
    assert Grant.objects.filter(pk=grant.pk).exists() and current_letter(grant) is None

    assert build_missing_award_letters() == 1

    assert current_letter(grant).version == 1
    assert build_missing_award_letters() == 0


# --- What WeasyPrint may fetch ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/style.css",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        letters.static_base_url() + "../manage.py",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_a_static_file():
    response = StaticOnlyFetcher().fetch(letters.static_base_url() + "img/favicon.svg")

    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")


def test_rendering_a_page_with_an_outside_image_opens_no_connection(monkeypatch):
    attempts = []

    def no_network(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    pdf = letters.render_pdf('<p>Hello</p><img src="http://example.com/x.png">')

    assert pdf.startswith(b"%PDF") and attempts == []


# --- The public verification page -------------------------------------------------------------


def test_the_verification_page_confirms_a_genuine_letter_without_personal_data(
    grant, client, organisation, manager
):
    letter = current_letter(grant)

    response = client.get(reverse("letters:verify", args=[letter.code]))

    assert response.status_code == 200
    page = response.text
    assert "Genuine" in page
    for fact in (f"{PAST_CODE}-LU-0001", organisation.name, "Robots in the library", "EUR 400.00"):
        assert fact in page
    assert f"{timezone.localtime(letter.created_at):%Y}" in page  # the year as the page shows it
    for personal in (
        organisation.contact_name,
        organisation.contact_email,
        manager.email,
        manager.get_full_name(),
        "Alzette",
    ):
        assert personal not in page


def test_a_code_typed_loosely_finds_the_letter(grant, client):
    code = current_letter(grant).code
    typed = code.replace("-", " ").lower()

    response = client.get(reverse("letters:verify_form"), {"code": typed}, follow=True)

    assert response.status_code == 200 and f"{PAST_CODE}-LU-0001" in response.text


def test_a_made_up_code_is_not_found(grant, client):
    response = client.get(reverse("letters:verify", args=["AAAA-BBBB-CCCC-DDDD"]))

    assert response.status_code == 404
    assert "Not found" in response.text and f"{PAST_CODE}-LU-0001" not in response.text


# --- Downloading ------------------------------------------------------------------------------


def download_url(grant) -> str:
    return reverse("letters:download", args=[grant.pk])


def test_a_member_downloads_the_letter_as_an_attachment(grant, client, member):
    client.force_login(member)

    response = client.get(download_url(grant))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{PAST_CODE}-LU-0001" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def _staff(who, manager):
    if who == "partner_manager":
        return manager
    if who == "partner_reviewer":  # of another partner covering the same country
        return PartnerStaffFactory(partner=PartnerFactory(countries=["LU"]), role="reviewer").user
    return UserFactory(is_programme_staff=True)


STAFF = ["partner_manager", "partner_reviewer", "programme_staff"]


@pytest.mark.parametrize("who", STAFF)
def test_the_partner_and_programme_staff_download_the_letter_with_their_second_factor(
    grant, client, manager, who, two_factor_login
):
    two_factor_login(client, _staff(who, manager))

    assert client.get(download_url(grant)).status_code == 200


@pytest.mark.parametrize("who", STAFF)
def test_staff_without_the_second_factor_are_sent_to_it_first(grant, client, manager, who):
    user = _staff(who, manager)
    with_totp(user)
    client.force_login(user)  # signed in with the password alone

    response = client.get(download_url(grant))

    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("mfa_reauthenticate")


@pytest.mark.parametrize("who", ["other_organisation", "asked_to_join", "other_country_partner"])
def test_others_get_not_found(grant, client, organisation, who, two_factor_login):
    if who == "other_organisation":
        client.force_login(MembershipFactory().user)
    elif who == "asked_to_join":
        client.force_login(MembershipFactory(organisation=organisation, status="requested").user)
    else:  # staff pass the second factor first, like for every staff download
        two_factor_login(client, PartnerStaffFactory(partner=PartnerFactory(countries=["BE"])).user)

    assert client.get(download_url(grant)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(grant, client):
    response = client.get(download_url(grant))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_nothing_is_built_before_the_approval_commits(proposal, manager):
    with transaction.atomic():
        approve_proposal(proposal, actor=manager)
        assert not AwardLetter.objects.exists()


def test_a_letter_not_built_yet_is_not_found(
    proposal, manager, member, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        grant = approve_proposal(proposal, actor=manager)
    client.force_login(member)

    assert client.get(download_url(grant)).status_code == 404


def test_the_letter_is_in_the_applicants_language_when_the_country_speaks_it(
    proposal, programme, manager, django_capture_on_commit_callbacks
):
    CountryProgramme.objects.filter(pk=programme.pk).update(languages=["de", "fr"])
    proposal.created_by.language = "fr"
    proposal.created_by.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        grant = approve_proposal(proposal, actor=manager)

    letter = current_letter(grant)
    assert letter.language == "fr"
    assert (
        f"14 septembre {PAST_YEAR}" in text_of(letter).lower()
    )  # the event date, as French writes it


def test_the_verification_page_says_when_the_grant_was_cancelled(grant, client):
    Grant.objects.filter(pk=grant.pk).update(status=Grant.Status.CANCELLED)

    page = client.get(reverse("letters:verify", args=[current_letter(grant).code])).text

    assert "the grant has since been cancelled" in page and "Genuine:" not in page


# --- The letter's dates -----------------------------------------------------------------------


def on_paper(moment) -> str:
    """A day as the English letter writes it, in the programme's time zone."""
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    with translation.override("en"):
        return date_format(day, "DATE_FORMAT")


def flat(text: str) -> str:
    return " ".join(text.split())


def words_of(html: str) -> str:
    """A page's text, each element's apart from the next."""
    return flat(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def approval_moment(programme):
    """Late evening in UTC, already the next day in the programme's time zone."""
    return dt.datetime(programme.edition.year, 8, 20, 22, 30, tzinfo=dt.UTC)


def test_the_letter_is_dated_the_day_of_the_approval_not_the_day_it_was_built(
    proposal, manager, approval_moment, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(approval_moment, tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        grant = approve_proposal(proposal, actor=manager)
    built_on = approval_moment + dt.timedelta(days=1)

    with time_machine.travel(built_on, tick=False):
        letter = letters.build_award_letter(grant.pk)
    with time_machine.travel(built_on + dt.timedelta(days=1), tick=False):
        again = letters.build_award_letter(grant.pk)  # the build time is not one of its facts

    text = flat(text_of(letter))
    assert f"{grant.reference} {on_paper(approval_moment)} Grant award letter" in text  # Date
    assert on_paper(approval_moment) != on_paper(approval_moment.date())  # the local day
    assert on_paper(built_on) not in text
    assert "Reissued" not in text
    assert again == letter and AwardLetter.objects.filter(grant=grant).count() == 1


def test_a_reissued_letter_keeps_its_first_date_and_says_when_it_was_reissued(
    proposal, manager, approval_moment, client, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(approval_moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        grant = approve_proposal(proposal, actor=manager)
    reissued = approval_moment + dt.timedelta(days=10)
    Grant.objects.filter(pk=grant.pk).update(amount=Decimal("300.00"))

    with time_machine.travel(reissued, tick=False):
        second = letters.build_award_letter(grant.pk)

    first_day, new_day = on_paper(approval_moment), on_paper(reissued)
    text = flat(text_of(second))
    assert second.version == 2
    assert f"{grant.reference} {first_day} 2 (replaces the earlier versions)" in text  # Date
    assert f"Reissued on {new_day}; first issued on {first_day}." in text
    page = words_of(client.get(reverse("letters:verify", args=[second.code])).text)
    assert f"First issued on {first_day}" in page and f"Reissued on {new_day}" in page
    first = grant.letters.get(version=1)
    first_page = words_of(client.get(reverse("letters:verify", args=[first.code])).text)
    assert f"Date issued {first_day}" in first_page and "Reissued" not in first_page
