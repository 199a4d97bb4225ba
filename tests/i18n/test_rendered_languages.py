"""Every public page and the applicant's forms read in each language, with no English left.

For each of the eight languages besides English, a page fails when its visible text still holds
an English source message whose translation exists in that language's catalogue. Short messages
(one or two words) are left out: "Ages 8-12" or "OK" may rightly read the same in two languages.
"""

import datetime as dt
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.events.test_reports import approved_event
from tests.factories import PAST_YEAR, CountryProgrammeFactory, MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(|%[sdif]|\{[A-Za-z0-9_]*\}")
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "content"}


class VisibleText(HTMLParser):
    """Text a person reads or hears: text nodes outside script and style, and labelling
    attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or (tag == "input" and name == "value")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " | ".join(" ".join(part.split()) for part in parser.parts)


@cache
def translated_sentences(language: str) -> tuple[str, ...]:
    """English messages of three words or more that the language's catalogue translates."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    kept_as_is = " ".join(e.msgstr for e in catalogue)
    return tuple(
        " ".join(entry.msgid.split())
        for entry in catalogue
        if entry.msgstr
        and not entry.msgid_plural
        and entry.msgstr != entry.msgid
        and len(entry.msgid.split()) >= 3
        and not PLACEHOLDER.search(entry.msgid)
        and "<" not in entry.msgid
        and entry.msgid not in kept_as_is
    )


def english_left(html: str, language: str) -> list[str]:
    text = visible_text(html)
    return [sentence for sentence in translated_sentences(language) if sentence in text]


@pytest.fixture
def world():
    """An open edition with an approved, public event and an applicant with a draft."""
    programme = CountryProgrammeFactory(country="LU")
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    held, _manager = approved_event(programme=programme)
    membership = MembershipFactory(organisation__country="LU")
    draft = ProposalFactory(organisation=membership.organisation, country_programme=programme)
    approved = approved_event(membership.organisation, programme=programme)[0]
    return {"event": held.event, "applicant": membership.user, "draft": draft,
            "approved": approved, "organisation": membership.organisation}  # fmt: skip


PUBLIC_PAGES = {
    "home": lambda w: reverse("home"),
    "event map": lambda w: reverse("events:list") + f"?date_from={PAST_YEAR}-01-01",
    "event page": lambda w: reverse("events:event", args=[w["event"].pk, w["event"].slug]),
    "impact": lambda w: reverse("public:impact"),
    "library": lambda w: reverse("events:library"),
    "country": lambda w: reverse("public:country", args=["LU"]),
    "faq": lambda w: reverse("public:faq"),
    "privacy": lambda w: reverse("privacy"),
    "log in": lambda w: reverse("account_login"),
    "sign up": lambda w: reverse("account_signup"),
    "password reset": lambda w: reverse("account_reset_password"),
}
APPLICANT_PAGES = {
    "dashboard": lambda w: reverse("organisations:mine"),
    "organisation": lambda w: reverse("organisations:detail", args=[w["organisation"].pk]),
    "organisation form": lambda w: reverse("organisations:edit", args=[w["organisation"].pk]),
    "new organisation": lambda w: reverse("organisations:create"),
    "start a proposal": lambda w: reverse("events:start"),
    "proposal form": lambda w: reverse("events:edit", args=[w["draft"].pk]),
    "proposal summary": lambda w: reverse("events:detail", args=[w["draft"].pk]),
    "report form": lambda w: reverse("events:report", args=[w["approved"].pk]),
    "delete account": lambda w: reverse("organisations:delete_account"),
}


def get_in(client: Client, language: str, url_of, world):
    with translation.override(language):
        url = url_of(world)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_leave_no_english_behind(client, world, language, page):
    html = get_in(client, language, PUBLIC_PAGES[page], world)

    assert f'lang="{language}"' in html
    assert english_left(html, language) == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("page", APPLICANT_PAGES)
def test_the_applicants_pages_and_forms_leave_no_english_behind(client, world, language, page):
    client.force_login(world["applicant"])
    html = get_in(client, language, APPLICANT_PAGES[page], world)

    assert f'lang="{language}"' in html
    assert english_left(html, language) == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_form_sent_with_mistakes_explains_them_in_the_language_of_the_page(
    client, world, language
):
    client.force_login(world["applicant"])
    with translation.override(language):
        url = reverse("organisations:create")
    response = client.post(url, {"name": "", "country": "LU"}, HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors
    assert english_left(html, language) == []
    assert "This field is required." not in html


def test_the_check_finds_english_left_on_a_page(client, world):
    """The check itself: an English page read as German is full of untranslated messages."""
    html = get_in(client, "en", PUBLIC_PAGES["home"], world)

    assert len(english_left(html, "de")) >= 3


# --- One e-mail and one award letter in every language ------------------------------------------

# Letters each language writes and English does not: the PDF must carry them as text (a missing
# glyph or a font without the script would lose them).
OWN_LETTERS = {
    "de": "äöüß",
    "fr": "éèàçê",
    "nl": "",  # Dutch writes with the English letters: its words are checked instead
    "it": "èàòù",
    "pl": "łąęśżźćńó",
    "ro": "ășțîâ",
    "es": "áéíóúñ",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
}


def translation_of(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def approved_grant_for(world, language: str):
    """The world's approved proposal, its organisation's members reading ``language``."""
    proposal = world["approved"]
    type(world["applicant"]).objects.filter(pk=world["applicant"].pk).update(language=language)
    return proposal.grant


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_approval_email_reads_in_the_recipients_language(world, language):
    from organisations.delivery import render
    from organisations.models import Notification

    approved_grant_for(world, language)
    notification = Notification.objects.filter(
        recipient=world["applicant"], kind="proposal_approved"
    ).latest("id")

    message = render(notification)

    text = " ".join(message.text.split())
    assert english_left(message.html, language) == []
    assert [s for s in translated_sentences(language) if s in text] == []
    assert (
        translation_of(language, "Good news: “%(proposal)s” is approved.").split("%")[0].strip()
        in text
    )
    if OWN_LETTERS[language]:
        assert set(OWN_LETTERS[language]) & set(message.text.lower()), language


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_award_letter_reads_in_every_language_with_its_own_letters(world, language):
    import io

    from pypdf import PdfReader

    from grants import letters

    grant = approved_grant_for(world, language)
    pdf = letters.render_letter(
        grant, code="K7QF3MZPXW2A9RTB", version=1, issued_at=timezone.now(), language=language
    )

    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert [s for s in translated_sentences(language) if s in text] == []
    assert translation_of(language, "Amount awarded") in text
    assert translation_of(language, "Grant award letter") in text
    if OWN_LETTERS[language]:
        assert set(OWN_LETTERS[language]) & set(text.lower()), f"no {language} letters in the PDF"


def test_the_ukrainian_letter_says_grant_in_cyrillic(world):
    import io

    from pypdf import PdfReader

    from grants import letters

    grant = approved_grant_for(world, "uk")
    pdf = letters.render_letter(
        grant, code="K7QF3MZPXW2A9RTB", version=1, issued_at=timezone.now(), language="uk"
    )

    assert "грант" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
