"""Project middleware."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url


class HtmxSessionEndedMiddleware:
    """An htmx request whose session has ended gets 401, not the login page.

    Otherwise htmx follows the redirect and swaps the login form into the page, in place of the
    section someone is typing in. The page's script keeps the input and offers to log in again
    (static/js/proposal-form.js).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and self._is_login_redirect(response):
            ended = HttpResponse(status=401)
            ended["HX-Reswap"] = "none"
            return ended
        return response

    @staticmethod
    def _is_login_redirect(response) -> bool:
        if response.status_code != 302:
            return False
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        return urlsplit(response["Location"]).path.endswith(login_path)


class PrivatePagesMiddleware:
    """Every answer to a signed-in person says ``Cache-Control: private, no-store``, unless the
    view set a Cache-Control of its own (the feeds' public one, a download's).

    Such pages hold personal data (an organisation's details, its proposals, the partners'
    queue): no shared cache may keep them, and the browser neither, so they are not shown again
    from its history or disk after logging out on a shared computer. Visitors who are not signed
    in are left as they are (the public pages kept by ``meetandcode.kernel.page_cache``, the feeds'
    ``public, max-age``): a request without a session cookie is never looked at further, so its
    session is not read and no ``Vary: Cookie`` is added to public answers.

    Placed after AuthenticationMiddleware, whose ``request.user`` it reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and self._signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
