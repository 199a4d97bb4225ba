"""The admin site: signed in through allauth, and staff pass the second factor first.

The admin shows organisations' bank accounts and edits budgets, so it asks what the partner
dashboard asks (``organisations.permissions.second_factor_redirect``, the one policy for
staff): a visitor is sent to the site's own login (allauth, with its rate limits and its TOTP
step) instead of the admin's password-only form; a signed-in person without admin access gets
403; staff who have not passed the second factor in this session are sent to set it up or to
enter a code, and come back.
"""

import functools

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from organisations.permissions import second_factor_missing, second_factor_redirect


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Active staff who passed the second factor (the admin's templates ask this too)."""
        return super().has_permission(request) and second_factor_missing(request) is None

    def admin_view(self, view, cacheable=False):
        """Every admin page, the index, the change lists, the change forms and the admin's own
        JSON views alike: refused (see ``_refusal``) before Django's own checks."""
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            return self._refusal(request) or guarded(request, *args, **kwargs)

        inner = functools.update_wrapper(inner, guarded)
        return inner if cacheable else never_cache(inner)

    def _refusal(self, request):
        """Where the person goes instead of the admin page; None when they may open it."""
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())  # the site's login (allauth)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        return second_factor_redirect(request)

    def login(self, request, extra_context=None):
        """allauth's sign-in instead of the admin's password form (secure_admin_login sends a
        visitor there, and refuses signed-in people who are not staff)."""
        return secure_admin_login(self._login_after_allauth)(request, extra_context)

    def _login_after_allauth(self, request, extra_context=None):
        # Staff signed in already: on to the second factor if they still need it, then back here,
        # where Django's login sends them on to the page they asked for.
        return second_factor_redirect(request) or super().login(request, extra_context)
