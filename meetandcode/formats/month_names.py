"""The month names of dates ("5 December 2026"), in our catalogues as well as Django's.

Django's Italian and Romanian catalogues capitalise month names ("5 Dicembre 2026"), which
Italian and Romanian write in lower case ("5 dicembre 2026", "5 decembrie 2026"). Marking the
names here puts them in locale/, which wins over Django's own catalogues; every other language
keeps Django's wording.
"""

from django.utils.translation import gettext_noop

MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
