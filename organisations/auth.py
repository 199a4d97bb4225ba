"""Logins: the fixed demo accounts work only while DEBUG is on, on every login path.

allauth's own login flow deliberately ignores the backend's ``user_can_authenticate`` (it wants
to show its "account inactive" page), so the rule is applied in both the backend (admin, any
``authenticate()`` call) and the account adapter (the site's login form).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


def login_allowed(user) -> bool:
    return settings.DEBUG or not getattr(user, "is_demo", False)


class DemoAwareAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        return login_allowed(user) and super().user_can_authenticate(user)


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        return user if user is not None and login_allowed(user) else None
