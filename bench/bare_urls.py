"""The one page of bench/bare_settings.py: the signed-in person's address, or 403."""

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path

BARE_PATH = "/bare/"


def bare(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden("not signed in")
    return HttpResponse(f"signed in as {request.user.email}", content_type="text/plain")


def healthz(request):
    """What the load test waits for before it starts (the site's own is meetandcode.views)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare), path("healthz", healthz)]
