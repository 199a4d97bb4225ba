"""A country's own texts in its languages: the country page, the award letter's paragraph, the
partner's contact details and legal form names; the organisation's choice of letter language;
and award letters that render Ukrainian and Romanian with their fonts embedded.
"""

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from events.models import Proposal
from grants import letters
from grants.demo import content, data
from grants.services import approve_proposal
from organisations import services as organisation_services
from organisations.models import LegalForm
from programmes.country_content import text_for
from programmes.models import CountryInfo, CountryText
from tests.factories import (
    CountryProgrammeFactory,
    LegalFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def luxembourg():
    programme = CountryProgrammeFactory(country="LU", languages=["fr", "de"])
    info = CountryInfo.objects.create(country_programme=programme, conditions="Legacy rule.")
    CountryText.objects.create(info=info, language="fr", conditions="Gratuit pour tous.")
    CountryText.objects.create(info=info, language="de", conditions="Kostenlos für alle.")
    return programme


def country_page(language: str, code: str = "lu") -> str:
    from django.test import Client

    with translation.override(language):
        url = reverse("public:country", args=[code])
    return Client().get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


# --- Falling back -----------------------------------------------------------------------------


def test_the_country_page_speaks_the_readers_language_when_the_country_does(luxembourg):
    assert "Kostenlos für alle." in country_page("de")
    assert "Gratuit pour tous." in country_page("fr")


def test_a_reader_in_another_language_gets_the_countrys_first_language(luxembourg):
    italian = country_page("it")

    assert "Gratuit pour tous." in italian and "Kostenlos" not in italian


def test_without_the_first_language_english_comes_next_then_the_untranslated_page(luxembourg):
    info = luxembourg.info
    info.texts.filter(language="fr").update(conditions="")
    CountryText.objects.create(info=info, language="en", conditions="Free for all.")

    assert text_for(info, "conditions", "it") == "Free for all."
    assert text_for(info, "conditions", "de") == "Kostenlos für alle."
    info.texts.filter(language="en").delete()
    assert text_for(info, "conditions", "it") == "Legacy rule."
    assert "Legacy rule." in country_page("pl")


def test_legal_forms_are_named_in_the_readers_language():
    CountryProgrammeFactory(country="BE", languages=["nl", "fr", "de"])
    LegalFormFactory(country="BE", name="VZW / ASBL", names={"nl": "VZW", "fr": "ASBL"})

    assert "<li>VZW</li>" in country_page("nl", "be")
    assert "<li>ASBL</li>" in country_page("fr", "be")
    assert "<li>VZW / ASBL</li>" in country_page("en", "be")  # no English name: as registered


def test_a_text_in_a_language_the_country_does_not_speak_is_refused(luxembourg):
    row = CountryText(info=luxembourg.info, language="pl", conditions="Bezpłatnie.")

    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "language" in refused.value.message_dict
    CountryText(info=luxembourg.info, language="en", conditions="Free.").full_clean()


# --- Partners edit their own countries' texts only --------------------------------------------


def inline_data(**text) -> dict:
    row = {f"texts-0-{name}": value for name, value in text.items()}
    return {"texts-TOTAL_FORMS": "1", "texts-INITIAL_FORMS": "0", **row}


def page_data(info: CountryInfo, **text) -> dict:
    page = {"country_programme": info.country_programme_id, "conditions": "", "extra_notes": ""}
    return {**page, **inline_data(**text)}


@pytest.fixture
def belgium(luxembourg):
    programme = CountryProgrammeFactory(
        edition=luxembourg.edition, country="BE", languages=["nl", "fr", "de"]
    )
    CountryInfo.objects.create(country_programme=programme)
    return programme


@pytest.fixture
def luxembourg_staff(client, luxembourg, two_factor_login):
    user = PartnerStaffFactory(partner=luxembourg.partner, user__is_staff=True).user
    two_factor_login(client, user)
    return user


def test_a_partner_adds_a_letter_text_in_one_of_its_countrys_languages(
    client, luxembourg, luxembourg_staff
):
    CountryText.objects.filter(info=luxembourg.info).delete()
    url = reverse("admin:programmes_countryinfo_change", args=[luxembourg.info.pk])

    response = client.post(url, page_data(luxembourg.info, language="de", letter_text="Danke!"))

    assert response.status_code == 302
    assert CountryText.objects.get(info=luxembourg.info).letter_text == "Danke!"


def test_a_partner_cannot_write_in_a_language_its_country_does_not_speak(
    client, luxembourg, luxembourg_staff
):
    CountryText.objects.filter(info=luxembourg.info).delete()
    url = reverse("admin:programmes_countryinfo_change", args=[luxembourg.info.pk])

    response = client.post(url, page_data(luxembourg.info, language="nl", letter_text="Bedankt"))

    assert response.status_code == 200
    assert "Write this country" in response.content.decode()
    assert not CountryText.objects.filter(info=luxembourg.info).exists()


def test_a_partner_cannot_edit_another_countrys_texts(client, belgium, luxembourg_staff):
    url = reverse("admin:programmes_countryinfo_change", args=[belgium.info.pk])

    seen = client.get(url)
    client.post(url, page_data(belgium.info, language="nl", letter_text="Niet van mij."))

    assert seen.status_code == 302  # the admin's "does not exist" answer, back to its index
    assert not CountryText.objects.filter(info=belgium.info).exists()
    listed = client.get(reverse("admin:programmes_countryinfo_changelist")).context["cl"].queryset
    assert {info.country_programme.country.code for info in listed} == {"LU"}


def test_the_texts_list_shows_a_partner_its_own_countries_only(client, belgium, luxembourg_staff):
    CountryText.objects.create(info=belgium.info, language="nl", letter_text="Niet van mij.")
    add_url = reverse("admin:programmes_countrytext_add")

    listed = client.get(reverse("admin:programmes_countrytext_changelist")).context["cl"].queryset
    choices = client.get(add_url).context["adminform"].form.fields["info"].queryset
    refused = client.post(add_url, {"info": belgium.info.pk, "language": "fr"})

    assert {row.info.country_programme.country.code for row in listed} == {"LU"}
    assert list(choices) == [luxembourg_staff.partners.get().country_programmes.get().info]
    assert refused.status_code == 200
    assert not CountryText.objects.filter(info=belgium.info, language="fr").exists()


# --- The organisation's letter language -------------------------------------------------------


def edit_data(organisation, **overrides) -> dict:
    fields = ["name", "registration_number", "street", "postcode", "city", "contact_name"]
    data = {name: getattr(organisation, name) for name in fields}
    data |= {"country": organisation.country.code, "legal_form": organisation.legal_form_id}
    data |= {"contact_email": organisation.contact_email}
    return data | overrides


@pytest.fixture
def owner(client, luxembourg):
    membership = MembershipFactory(organisation__country="LU")
    client.force_login(membership.user)
    return membership


def test_the_organisation_page_offers_its_countrys_languages_for_letters(client, owner):
    url = reverse("organisations:edit", args=[owner.organisation.pk])

    form = client.get(url).context["form"]

    assert [code for code, _name in form.fields["letter_language"].choices] == ["", "fr", "de"]


def test_an_owner_chooses_german_letters_for_a_luxembourg_organisation(client, owner):
    url = reverse("organisations:edit", args=[owner.organisation.pk])

    response = client.post(url, edit_data(owner.organisation, letter_language="de"))

    assert response.status_code == 302
    owner.organisation.refresh_from_db()
    assert owner.organisation.letter_language == "de"


@pytest.mark.parametrize("language", ["en", "nl", "xx"])
def test_a_language_of_another_country_is_refused(client, owner, language):
    url = reverse("organisations:edit", args=[owner.organisation.pk])

    response = client.post(url, edit_data(owner.organisation, letter_language=language))

    assert response.status_code == 200
    assert "letter_language" in response.context["form"].errors
    owner.organisation.refresh_from_db()
    assert owner.organisation.letter_language == ""


def test_the_service_refuses_a_language_of_another_country_too(owner):
    with pytest.raises(ValidationError) as refused:
        organisation_services.update_organisation(
            owner.organisation, actor=owner.user, letter_language="pl"
        )

    assert "Français, Deutsch" in str(refused.value)


# --- The letter in the chosen language --------------------------------------------------------


def build_letter(organisation, programme):
    manager = PartnerStaffFactory(partner=programme.partner).user
    proposal = ProposalFactory(
        organisation=organisation,
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        requested_amount=Decimal("400.00"),
    )
    grant = approve_proposal(proposal, actor=manager)
    return letters.build_award_letter(grant.pk)


def with_texts(programme, language: str, **text):
    info, _created = CountryInfo.objects.get_or_create(country_programme=programme)
    CountryText.objects.create(info=info, language=language, **text)
    return programme


def read_pdf(letter) -> PdfReader:
    with letter.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(reader: PdfReader) -> dict[str, dict]:
    """Each font the pages use, by name, with its descriptor."""
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            fonts[str(font["/BaseFont"])] = {
                "descriptor": described["/FontDescriptor"].get_object()
            }
    return fonts


def assert_fonts_embedded_with_every_glyph(reader: PdfReader, caplog) -> None:
    fonts = fonts_of(reader)
    assert fonts
    for name, font in fonts.items():
        # Only the fonts the letter's CSS names (Noto Sans; Liberation Mono for the ASCII
        # verification code): no character made WeasyPrint fall back to another font.
        assert re.search(r"\+(NotoSans|LiberationMono)(Bold|Italic)*$", name.replace("-", "")), name
        assert {"/FontFile2", "/FontFile3"} & set(font["descriptor"]), f"{name} not embedded"
    # A character no font has is drawn as .notdef, an empty box; WeasyPrint says so.
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]


UKRAINIAN = "Дякуємо! Цей лист підтверджує грант вашій громадській організації."
ROMANIAN = "Vă mulțumim! Această scrisoare confirmă finanțarea și condițiile ei în România."


def test_a_ukrainian_letter_renders_cyrillic_with_embedded_fonts(caplog):
    programme = with_texts(
        CountryProgrammeFactory(country="UA", languages=["uk"], currency="UAH"),
        "uk",
        letter_text=UKRAINIAN,
        partner_contact="вул. Хрещатик 22, Київ",
    )
    form = LegalFormFactory(country="UA", name="громадська організація (public association)")
    LegalForm.objects.filter(pk=form.pk).update(names={"uk": "громадська організація"})
    organisation = OrganisationFactory(
        name="ГО «Цифрова громада»", country="UA", legal_form=form, letter_language="uk"
    )

    letter = build_letter(organisation, programme)

    reader = read_pdf(letter)
    text = " ".join(text_of(reader).split())
    assert letter.language == "uk"
    assert UKRAINIAN in text and "грант" in text
    assert "ГО «Цифрова громада»" in text  # in bold, too, at the head of the address
    assert "вул. Хрещатик 22, Київ" in text
    assert "громадська організація" in text and "(public association)" not in text
    assert_fonts_embedded_with_every_glyph(reader, caplog)


def test_a_romanian_letter_renders_its_diacritics_with_embedded_fonts(caplog):
    programme = with_texts(
        CountryProgrammeFactory(country="RO", languages=["ro"], currency="RON"),
        "ro",
        letter_text=ROMANIAN,
    )
    organisation = OrganisationFactory(
        country="RO", legal_form=LegalFormFactory(country="RO", name="asociație")
    )

    letter = build_letter(organisation, programme)

    reader = read_pdf(letter)
    text = " ".join(text_of(reader).split())
    assert letter.language == "ro"  # the country's only language, chosen or not
    assert ROMANIAN in text
    assert all(char in text for char in "șțăîâ")
    assert_fonts_embedded_with_every_glyph(reader, caplog)


def test_the_letter_follows_the_organisations_choice_among_its_countrys_languages():
    programme = CountryProgrammeFactory(country="BE", languages=["nl", "fr", "de"])
    with_texts(programme, "nl", letter_text="Bedankt voor uw inzet.")
    with_texts(programme, "fr", letter_text="Merci de votre engagement.")
    form = LegalFormFactory(country="BE", name="VZW / ASBL", names={"nl": "VZW", "fr": "ASBL"})
    organisation = OrganisationFactory(country="BE", legal_form=form, letter_language="fr")

    letter = build_letter(organisation, programme)

    text = " ".join(text_of(read_pdf(letter)).split())
    assert letter.language == "fr"
    assert "Merci de votre engagement." in text and "Bedankt" not in text
    assert "ASBL" in text and "VZW" not in text


def test_an_organisation_without_a_choice_gets_its_countrys_first_language(luxembourg):
    with_texts(luxembourg, "en", letter_text="Thank you.")
    CountryText.objects.filter(info=luxembourg.info, language="fr").update(letter_text="Merci.")
    organisation = OrganisationFactory(country="LU")

    letter = build_letter(organisation, luxembourg)

    assert letter.language == "fr"  # not English, though the applicant's language is English
    assert "Merci." in text_of(read_pdf(letter))


def test_choosing_another_language_reissues_the_current_letter_in_it(
    client, owner, luxembourg, django_capture_on_commit_callbacks, eager_tasks
):
    CountryText.objects.filter(info=luxembourg.info, language="de").update(letter_text="Danke.")
    first = build_letter(owner.organisation, luxembourg)
    url = reverse("organisations:edit", args=[owner.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, edit_data(owner.organisation, letter_language="de"))

    first.refresh_from_db()
    current = letters.current_letter(first.grant)
    assert first.language == "fr" and first.superseded
    assert current.version == 2 and current.language == "de"
    assert "Danke." in text_of(read_pdf(current))


# --- The demo's texts ---------------------------------------------------------------------------


def test_the_demo_writes_every_countrys_texts_in_its_languages():
    LegalForm.objects.bulk_create(
        LegalForm(country=spec.code, name=form.name)
        for spec in data.COUNTRIES
        for form in spec.legal_forms
    )
    programmes = {
        spec.code: CountryProgrammeFactory(
            country=spec.code,
            languages=list(spec.ui_languages),
            partner=PartnerFactory(countries=[spec.code]),
        )
        for spec in data.COUNTRIES
    }

    content.write_public_content(programmes)

    for spec in data.COUNTRIES:
        texts = {row.language: row for row in programmes[spec.code].info.texts.all()}
        assert set(texts) == {*spec.ui_languages, "en"}, spec.code
        assert all(
            row.conditions and row.letter_text and row.partner_contact for row in texts.values()
        )
    ukrainian = CountryText.objects.get(info__country_programme__country="UA", language="uk")
    assert "грант" in ukrainian.letter_text
    romanian = CountryText.objects.get(info__country_programme__country="RO", language="ro")
    assert "ș" in romanian.letter_text and "ț" in romanian.letter_text
    assert LegalForm.objects.get(country="BE", name="VZW / ASBL").name_in("nl") == "VZW"
