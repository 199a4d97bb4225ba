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
