"""Logins: the fixed demo accounts work only while DEBUG is on, on every login path.

allauth's own login flow deliberately ignores the backend's ``user_can_authenticate`` (it wants
to show its "account inactive" page), so the rule is applied in both the backend (admin, any
``authenticate()`` call) and the account adapter (the site's login form).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from meetandcode.kernel.languages import LANGUAGE_CODES, set_language_cookie, url_in_language


def login_allowed(user) -> bool:
    return settings.DEBUG or not getattr(user, "is_demo", False)


class DemoAwareAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        return login_allowed(user) and super().user_can_authenticate(user)


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        return user if user is not None and login_allowed(user) else None

    def save_user(self, request, user, form, commit=True):
        """A new account reads the site in the language it signed up in."""
        language = translation.get_language()
        if language in LANGUAGE_CODES:
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Account mails (verification, password reset, security notices) in the language the
        person chose, their links too; someone without an account reads the page's language."""
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", "")
        if language not in LANGUAGE_CODES:
            language = translation.get_language() or settings.LANGUAGE_CODE
        links = {
            key: url_in_language(value, language)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str)
        }
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, **links})

    def post_login(self, request, user, **kwargs):
        """After login the person goes on in their own language: the page they were headed
        for, under their language's prefix (its "signed in" message in that language too)."""
        language = user.language if user.language in LANGUAGE_CODES else settings.LANGUAGE_CODE
        with translation.override(language):
            response = super().post_login(request, user, **kwargs)
        if "Location" in response:
            response["Location"] = url_in_language(response["Location"], language)
            set_language_cookie(response, language)
        return response
