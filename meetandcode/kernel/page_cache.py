"""Whole public pages kept for visitors who are not signed in.

Parents, teachers and the press read the home page, the event map, event pages and the
impact figures far more often than anything changes on them, and they all see the same page:
nobody signed in, no message waiting. Such a page is rendered once and kept (Redis, shared by
every process) for PUBLIC_PAGE_SECONDS under its language, its address with its query and the public
events' version, so an approved, changed or cancelled event shows at once, as on the feeds.
Staff edits of what these pages show (editions, country programmes and texts, partners, public
report photos, languages and focus groups) bump the pages' own version on commit
(``bump_version``, called by ``events.signals``), so they show at once too. What changes by
itself, with the clock or with
accepted reports (an "upcoming" list, the phase of the call, the impact figures, cached
minutes of their own), may be up to PUBLIC_PAGE_SECONDS (default 30) old for a visitor.

Two things in a page belong to one answer only, and are put back into each answer kept:
- the Content-Security-Policy nonce of its scripts (each answer has its own, in its header);
- the CSRF token of its forms (the language switcher), masked afresh from the visitor's own
  CSRF cookie, which the answer sets when the visitor has none yet.
Signed-in people, anyone with a session or a pending message, and htmx requests always get
a page rendered for them.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from . import replica

PAGES_VERSION_KEY = "public-pages:version"
# The versions every kept page's key includes: the pages' own, and those the apps add at start
# (``keyed_by``: events.apps adds the public events' version).
_VERSION_KEYS = [PAGES_VERSION_KEY]

# Private-use characters: never in a page's own text, and kept as they are by the cache.
NONCE_MARK = "\ue000csp-nonce\ue000"
TOKEN_MARK = "\ue000csrf-token\ue000"  # noqa: S105 (a placeholder, not a secret)
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage


def for_visitors(view):
    """Serve ``view``'s page from the cache to visitors who are not signed in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_SECONDS
        if seconds <= 0 or not _is_plain_visit(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            return _answer(request, *kept)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            cache.set(key, _kept(request, response), seconds)
        return response

    return wrapper


def csrf_token(request: HttpRequest) -> dict:
    """Context processor in place of Django's own ``csrf_token``: one token a request, the same
    in every form of the page, so a kept page can give each visitor their own."""

    def token() -> str:
        if not hasattr(request, "page_csrf_token"):
            request.page_csrf_token = get_token(request)
        return request.page_csrf_token

    return {"csrf_token": SimpleLazyObject(token)}


def _is_plain_visit(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not getattr(request, "htmx", False)
    )


def keyed_by(version_key: str) -> None:
    """Key every kept page by the version in ``version_key`` too, so a bump of it (an approved
    event, say) makes every kept page stale. Called from an app's ``ready()``."""
    if version_key not in _VERSION_KEYS:
        _VERSION_KEYS.append(version_key)


def bump_version() -> None:
    """What the kept pages show has changed: none of them is served again."""
    replica.note_primary_position()
    cache.set(PAGES_VERSION_KEY, time.time(), timeout=None)


def _key(request: HttpRequest) -> str:
    """The page's key: its address and language under every version, read in one round trip
    (set when missing; with Redis down each is new, so nothing kept is ever found)."""
    kept = cache.get_many(_VERSION_KEYS)
    versions = ":".join(
        str(kept.get(key) or cache.get_or_set(key, time.time, timeout=None))
        for key in _VERSION_KEYS
    )
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{versions}:{get_language()}:{address}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """A whole 200 page that is the same for every visitor: it set no cookie and wrote nothing
    into a session or a message for this one."""
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        and not (messages is not None and messages.added_new)
    )


def _kept(request: HttpRequest, response: HttpResponse) -> tuple[str, str]:
    page = response.content.decode(response.charset)
    nonce = get_nonce(request)
    if nonce:  # a LazyNonce is true once the page used it
        page = page.replace(str(nonce), NONCE_MARK)
    token = getattr(request, "page_csrf_token", None)
    if token:
        page = page.replace(token, TOKEN_MARK)
    return page, response["Content-Type"]


def _answer(request: HttpRequest, page: str, content_type: str) -> HttpResponse:
    if NONCE_MARK in page:
        page = page.replace(NONCE_MARK, str(get_nonce(request)))
    if TOKEN_MARK in page:
        page = page.replace(TOKEN_MARK, get_token(request))
    return HttpResponse(page, content_type=content_type)
