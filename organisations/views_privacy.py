"""The person's privacy pages: the notice, their data as a file, deleting the account, consent."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import privacy
from .forms import AcceptPrivacyForm, DeleteAccountForm


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        "version": privacy.notice_version(),
        "retention_years": settings.RETENTION_DAYS // 365,
        "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        "controller": settings.PRIVACY_CONTROLLER,
    }
    return render(request, "privacy.html", context)


@login_required
@require_GET
def account_data(request: HttpRequest) -> HttpResponse:
    """Everything about the person as a JSON file (GDPR art. 15 and 20)."""
    data = privacy.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="meet-and-code-my-data.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        privacy.delete_account(request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for your work."))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "organisations/privacy_delete.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def accept_privacy(request: HttpRequest) -> HttpResponse:
    """Accept the current privacy notice, then go on where the person was going."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    form = AcceptPrivacyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.record_consent(request.user, ip=privacy.client_ip(request))
        request.session[privacy.ConsentMiddleware.SESSION_KEY] = privacy.notice_version()
        return redirect(target or "organisations:mine")
    context = {"form": form, "next": target, "version": privacy.notice_version()}
    status = 400 if request.method == "POST" else 200
    return render(request, "organisations/privacy_accept.html", context, status=status)
