"""allauth's account e-mails (sign-up confirmation, password reset, security notices) name the
site from our settings: SITE_NAME and the address of SITE_URL, the same in every language.

Without this allauth names the site after the request's host ("Hello from 127.0.0.1:8000!"),
django.contrib.sites not being installed. Its links stay on the host the request came in on (one
of ALLOWED_HOSTS): the page the person was on, so a development or test server's links work.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from . import auth
from .permissions import may


@dataclass(frozen=True)
class Site:
    """What allauth's templates read of ``current_site``."""

    name: str
    domain: str

    def __str__(self) -> str:
        return self.domain


def current_site() -> Site:
    """The site as our settings name it (read on each use: tests change them)."""
    return Site(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(auth.AccountAdapter):
    def get_login_redirect_url(self, request):
        """Partner and programme staff start at the review dashboard (the page they work on);
        everyone else where LOGIN_REDIRECT_URL says. A ``next`` address still wins."""
        if may(request.user, "partner_pages.open"):
            return reverse("grants:dashboard")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        super().send_mail(template_prefix, email, {**context, "current_site": current_site()})
