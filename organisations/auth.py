"""Login backend: the fixed demo accounts work only while DEBUG is on."""

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


class DemoAwareAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
