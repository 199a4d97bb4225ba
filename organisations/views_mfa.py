"""allauth's two-factor pages, taught to go back where the person came from.

When the partner pages or the admin ask for a second factor, they send the person to activate
an authenticator app with ``next``: the page that asked (organisations.permissions). allauth
itself always ends on the recovery codes. Here activating goes to the recovery codes with that
``next`` kept, and their page shows the codes with a "Continue" button to it: the codes are
seen once, and the person is not left on a settings page. Wired in meetandcode/urls.py at
allauth's own addresses and names, so every link to them arrives here.
"""

from urllib.parse import urlencode

from allauth.mfa.recovery_codes import views as recovery_codes_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str:
    """The ``next`` of the form or the address when it is a page of this site; else ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


class ActivateTOTPWithNextForm(ActivateTOTPForm):
    """allauth's form with ``next`` kept in a hidden field (read back through ``safe_next``)."""

    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ActivateTOTPView(totp_views.ActivateTOTPView):
    form_class = ActivateTOTPWithNextForm

    def get_initial(self) -> dict:
        return {**super().get_initial(), "next": safe_next(self.request)}

    def get_success_url(self) -> str:
        target = safe_next(self.request)
        if self.did_generate_recovery_codes:  # the first authenticator: show the new codes
            return _with_next(reverse("mfa_view_recovery_codes"), target)
        return target or reverse("mfa_index")


class ViewRecoveryCodesView(recovery_codes_views.ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "next_url": safe_next(self.request)}


activate_totp = ActivateTOTPView.as_view()
view_recovery_codes = ViewRecoveryCodesView.as_view()
