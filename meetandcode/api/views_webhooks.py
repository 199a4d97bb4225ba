"""The webhooks pages (/partner/webhooks/): a manager's endpoints; register one (its secret shown
once); one endpoint's delivery log, with a test delivery, a replay of any delivery and turning
the endpoint off. Another's endpoint, outside the person's countries, is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetandcode.kernel.exceptions import DomainError
from meetandcode.kernel.ratelimit import ratelimit
from organisations.permissions import manager_required, may, scope_of

from . import webhooks
from .forms import EndpointForm
from .models import WebhookDelivery, WebhookEndpoint

LOG_PAGE_SIZE = 25
# Each registration resolves a name; each test or replay sends a request out: not a tool to
# flood an address with.
REGISTER_RATE = "20/h/user"
SEND_RATE = "30/h/user"


def _form(request: HttpRequest) -> EndpointForm:
    return EndpointForm(
        request.POST or None,
        countries=webhooks.countries_for(request.user),
        everywhere=scope_of(request.user).everywhere,
    )


@manager_required
def endpoints(request: HttpRequest) -> HttpResponse:
    context = {"endpoints": webhooks.endpoints_for(request.user)}
    return render(request, "api/webhooks.html", context)


@manager_required
@ratelimit("webhook_register", REGISTER_RATE)
def new_endpoint(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhooks.create_endpoint(request.user, **form.cleaned_data)
        except webhooks.EndpointNotValid as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        else:
            # Shown once: PrivatePagesMiddleware marks the answer private, no-store.
            context = {"endpoint": endpoint, "secret": secret}
            return render(request, "api/webhook_made.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "api/webhook_new.html", {"form": form}, status=status)


def _endpoint(request: HttpRequest, pk: int) -> WebhookEndpoint:
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("owner"), pk=pk)
    if not may(request.user, "webhook.manage", endpoint):
        raise Http404  # another country's endpoint: as if it did not exist
    return endpoint


@manager_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    status = request.GET.get("status", "")
    if status not in WebhookDelivery.Status.values:
        status = ""
    log = webhooks.deliveries_of(endpoint, status)
    page = Paginator(log, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "kinds": [WebhookEndpoint.Kind(kind).label for kind in endpoint.kinds],
        "countries": [EndpointForm.country_label(code) for code in endpoint.countries],
        "page": page,
        "status": status,
        "statuses": WebhookDelivery.Status.choices,
    }
    return render(request, "api/webhook_detail.html", context)


def _act(request: HttpRequest, endpoint: WebhookEndpoint, action, done: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("webhooks:detail", endpoint.pk)


@manager_required
@require_POST
@ratelimit("webhook_send", SEND_RATE)
def ping(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    return _act(
        request,
        endpoint,
        lambda: webhooks.ping_endpoint(endpoint, actor=request.user),
        _("A test delivery is on its way: its line below shows what the endpoint answered."),
    )


@manager_required
@require_POST
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    return _act(
        request,
        endpoint,
        lambda: webhooks.disable_endpoint(endpoint, actor=request.user),
        _("The endpoint is turned off: nothing more is sent to it."),
    )


@manager_required
@require_POST
def replace_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    try:
        endpoint, secret = webhooks.new_secret(endpoint, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("webhooks:detail", endpoint.pk)
    # Shown once, as when the endpoint was registered (no-store: PrivatePagesMiddleware).
    context = {"endpoint": endpoint, "secret": secret, "replaced": True}
    return render(request, "api/webhook_made.html", context)


@manager_required
@require_POST
@ratelimit("webhook_send", SEND_RATE)
def replay(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
    return _act(
        request,
        endpoint,
        lambda: webhooks.replay_delivery(delivery, actor=request.user),
        _("The delivery is sent again, with the same body and event id."),
    )
