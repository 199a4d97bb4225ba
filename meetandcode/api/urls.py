"""``/api/``: the v1 endpoints, the OpenAPI schema (``/api/schema/``) and its browsable page
(``/api/docs/``, Swagger UI served from our own static files)."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import ValidationError

from . import public, staff
from .throttles import PerAddress, PerToken

api = NinjaAPI(
    title="Meet and Code Grants API",
    version="1",
    description=(
        "Funded events and figures for anyone; proposals, reviews, payments and reports for "
        "partner and programme staff with a personal token. See docs/api.md.\n\n"
        "**Webhooks.** Managers and programme staff register endpoints at /partner/webhooks/. "
        "Each delivery is a POST of `{id, kind, occurred_at, data}` (kinds: event.published, "
        "event.changed, event.cancelled, proposal.decided, report.submitted, payment.recorded, "
        "ping), signed `X-MeetAndCode-Signature: t=<unix time>,v1=<hex>`, where the hex is "
        "HMAC-SHA256 with the endpoint's secret over the time, a full stop and the raw body. "
        "Check it before parsing and refuse times more than 5 minutes away; do each body `id` "
        "once. An answer other than 2xx is tried again for about a day and a half."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    throttle=[PerToken(), PerAddress()],
)
api.add_router("/v1/", public.router)
api.add_router("/v1/", staff.router)


@api.exception_handler(PermissionDenied)
def refused(request, exc: PermissionDenied):
    """The policy said no (organisations.permissions): its words, as the pages show them."""
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc: ValidationError):
    """A parameter that is not valid: the same shape as the feeds' 400 (docs/feeds.md)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["", "?"])[-1])
        errors.setdefault(name, []).append(error.get("msg", "not valid"))
    return api.create_response(request, {"errors": errors}, status=400)


urlpatterns = [
    path("", api.urls),
]
