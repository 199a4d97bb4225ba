"""The language switcher's target (templates/partials/language_switcher.html)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER

from meetandcode.kernel.languages import LANGUAGE_CODES, set_language_cookie, url_in_language
from organisations.services import set_preferred_language


def _safe_next(request: HttpRequest) -> str:
    """Where the person was: ``next`` (with its query string), else the referring page, else
    the home page; never another site."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponseRedirect:
    """The same page in the chosen language; a signed-in person keeps the choice for e-mails,
    letters and their next login."""
    next_url = _safe_next(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    if language not in LANGUAGE_CODES:
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(url_in_language(next_url, language))
    set_language_cookie(response, language)
    if request.user.is_authenticated:
        set_preferred_language(request.user, language=language, actor=request.user)
    return response
