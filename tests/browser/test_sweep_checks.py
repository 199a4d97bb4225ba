"""The sweep's "English left" check (tests/browser/sweep_checks.py) against the real catalogues:
it finds English the catalogue translates, and leaves alone what is the same in both languages,
a word that is a translation there, and what people typed."""

from tests.browser.sweep_checks import english_left


def test_english_the_catalogue_translates_is_found():
    assert english_left("de", ["Abmelden", "Log out"], frozenset()) == ["Log out"]


def test_a_word_the_same_in_both_languages_is_not_english_left():
    assert english_left("de", ["Hackathon"], frozenset()) == []


def test_a_word_that_is_a_translation_in_the_language_is_not_english_left():
    # Romanian "Date" translates "Details"; the English msgid "Date" is "Data" there.
    assert english_left("ro", ["Date"], frozenset()) == []


def test_what_people_typed_and_english_pages_are_left_alone():
    assert english_left("de", ["Log out"], frozenset({"Log out"})) == []
    assert english_left("en", ["Log out"], frozenset()) == []
