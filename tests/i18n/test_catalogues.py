"""The translation catalogues are complete: every message of the code, in all nine languages.

A message counts as missing when the catalogue lacks it, leaves it empty or marks it fuzzy; a
translation is wrong when its placeholders (``%(name)s``, ``%s``, ``{name}``) differ from the
English source. ``make messages`` updates the catalogues after strings change in the code.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import _skip_or_fail

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\([A-Za-z0-9_]+\)[sdifr]|%[sdif]|\{[A-Za-z0-9_]*\}")
NOT_SOURCES = {
    ".git",
    ".venv",
    "locale",
    "tests",
    "bench",
    "var",
    "docs",
    "node_modules",
    "vendor",
    ".ruff_cache",
    ".pytest_cache",
    "__pycache__",
    "media",
    "staticfiles",
}


def catalogue(language: str) -> polib.POFile:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {language}: run `make messages`"
    return polib.pofile(str(path))


def key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def placeholders(text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def source_placeholder_sets(entry: polib.POEntry) -> list[list[str]]:
    # A plural's singular form may say "one" in words instead of "%(count)s".
    sets = [placeholders(entry.msgid), placeholders(entry.msgid_plural or entry.msgid)]
    if entry.msgid_plural:
        sets.append(sorted(set(placeholders(entry.msgid_plural)) - {"%(count)s", "%(counter)s"}))
    return sets


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = [e for e in catalogue(language) if not e.obsolete]
    missing = [e.msgid for e in entries if not all(translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english_source(language):
    wrong = [
        (entry.msgid, text)
        for entry in catalogue(language)
        if not entry.obsolete
        for text in translations(entry)
        if text and placeholders(text) not in source_placeholder_sets(entry)
    ]
    assert not wrong, f"{language}: placeholders differ in {len(wrong)}, e.g. {wrong[:3]}"


def test_every_language_has_the_same_messages():
    english = {key(e) for e in catalogue("en") if not e.obsolete}
    for language in LANGUAGES:
        theirs = {key(e) for e in catalogue(language) if not e.obsolete}
        assert theirs == english, (
            f"{language} differs from en: missing {sorted(english - theirs)[:3]}, "
            f"extra {sorted(theirs - english)[:3]}; run `make messages`"
        )


def test_the_catalogues_hold_every_message_marked_in_the_code(tmp_path, settings, monkeypatch):
    if not shutil.which("xgettext"):
        _skip_or_fail("needs gettext's xgettext (apt-get install gettext)")
    sources = tmp_path / "src"
    shutil.copytree(ROOT, sources, ignore=lambda _dir, names: NOT_SOURCES & set(names))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=["en"], verbosity=0)

    extracted = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    in_code = {key(e) for e in extracted}
    in_catalogue = {key(e) for e in catalogue("en") if not e.obsolete}
    assert in_code - in_catalogue == set(), "messages not in the catalogues: run `make messages`"
    assert in_catalogue - in_code == set(), "catalogue messages gone from the code: `make messages`"
