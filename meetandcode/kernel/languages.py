"""The site's languages in addresses: English without a prefix, the others under /de/, /fr/, ...

Django's ``translate_url`` resolves the path in the *active* language, so on its own it cannot
read another language's prefix (on /i18n/setlang/ the active language is English, and
"/de/events/" would not resolve). ``url_in_language`` resolves the path in the language of its
own prefix first.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import translate_url
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_of_path(path: str) -> str:
    """The language an address is in: its prefix, or the default language without one."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def path_without_language(path: str) -> str:
    """The address without its language prefix: "/de/my/" -> "/my/"; "/my/" stays."""
    prefix = translation.get_language_from_path(path)
    if prefix and path.startswith(f"/{prefix}/"):
        return path[len(prefix) + 1 :]
    return path


def url_in_language(url: str, language: str) -> str:
    """The same page in ``language``, its query string and fragment kept; the URL unchanged when
    it names no page of the site (an outside address, a 404)."""
    if language not in LANGUAGE_CODES:
        return url
    with translation.override(language_of_path(urlsplit(url).path)):
        return translate_url(url, language)


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember the choice the way Django's set_language does (read on unprefixed addresses
    only by code that asks for it; the address's prefix decides each page's language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
