"""A country's own texts in its languages: the country page, the award letter, the partner's
contact details. (Legal forms carry their names per language themselves: ``LegalForm.name_in``.)

Staff write them in the admin: ``CountryText`` rows, one per language.
A reader gets the text in their language when the country speaks it, else in the country's first
language, else in English, else the untranslated text of the country page (``CountryInfo``).
"""

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from .models import CountryInfo, CountryProgramme


def country_languages(country: str) -> list[str]:
    """The languages of the country's latest programme (see ``CountryProgramme.site_languages``)."""
    programme = (
        CountryProgramme.objects.filter(country=str(country)).order_by("-edition__year").first()
    )
    return programme.site_languages() if programme else [settings.LANGUAGE_CODE]


def fallback_order(language: str, languages: list[str]) -> list[str]:
    """Where to look for a text: the reader's language if the country speaks it (or it is
    English, which every country may write in), then the country's first language, then
    English."""
    first = [language] if language in (*languages, settings.LANGUAGE_CODE) else []
    return list(dict.fromkeys([*first, languages[0], settings.LANGUAGE_CODE]))


def text_for(info: CountryInfo | None, field: str, language: str) -> str:
    """``field`` of the country page in ``language``, following ``fallback_order``; the page's
    own (untranslated) field when no language has it. Uses ``info.texts.all()``, so a
    ``prefetch_related("texts")`` saves the query."""
    if info is None:
        return ""
    rows = {row.language: row for row in info.texts.all()}
    for code in fallback_order(language, info.country_programme.site_languages()):
        value = getattr(rows[code], field) if code in rows else ""
        if value.strip():
            return value
    return getattr(info, field, "")


def info_of(programme: CountryProgramme) -> CountryInfo | None:
    try:
        return programme.info
    except CountryInfo.DoesNotExist:
        return None


def letter_language_choices(country: str) -> list[tuple[str, str]]:
    """(code, name in that language) for the languages an award letter may be written in."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code in country_languages(country)
    ]
