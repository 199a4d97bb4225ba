"""What every page's layout needs: the site's name, the navigation for the person's roles, the
language switcher's target and, in development only, the demo logins.

The roles cost at most two queries, once per request, and only when a template uses them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations import notifications
from organisations.permissions import Roles, roles_of

# The URL names the navigation links to. A page that does not exist yet (its URL name does not
# resolve) is left out of the navigation instead of linking nowhere.
EVENTS_URL = "events:list"
IMPACT_URL = "public:impact"
LIBRARY_URL = "events:library"
MY_ORGANISATION_URL = "organisations:mine"
REVIEW_DASHBOARD_URL = "grants:dashboard"
PROGRAMME_FIGURES_URL = "grants:figures"
MESSAGES_URL = "grants:messages"
PAYMENTS_URL = "grants:payments"

DEMO_DOMAIN = "demo.meetandcode.eu"  # the demo data's domain (grants/demo/data.py)
DEMO_LOGINS = [
    ("applicant", _("Applicant acting for a non-profit")),
    ("reviewer", _("National partner reviewer")),
    ("manager", _("National partner manager")),
    ("programme", _("Programme staff")),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool = False


def url_or_none(name: str, *args) -> str | None:
    """The URL of a named route, or None while that route does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def site(request):
    layout = SimpleLazyObject(lambda: _layout(request))
    context = {
        "PROGRAMME_NAME": settings.PROGRAMME_NAME,
        "SITE_NAME": gettext("%(programme)s Grants") % {"programme": settings.PROGRAMME_NAME},
        "DEBUG": settings.DEBUG,
        "layout": layout,
        "set_language_url": url_or_none("set_language"),
        # Where the code lives, for the footer's "open source" link; plain text while unset.
        "SOURCE_CODE_URL": getattr(settings, "SOURCE_CODE_URL", ""),
    }
    # The nav badge's count and the latest notifications: one query, only if a template asks.
    inbox = SimpleLazyObject(lambda: _inbox(request))
    context["unread_notifications"] = SimpleLazyObject(lambda: inbox.unread)
    context["user_notifications"] = SimpleLazyObject(lambda: inbox.latest)
    if settings.DEBUG:
        context["DEMO_LOGINS"] = demo_logins()
        context["DEMO_PASSWORD"] = settings.DEMO_PASSWORD
    return context


def _inbox(request) -> notifications.Inbox:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return notifications.Inbox(latest=[], unread=0)
    return notifications.inbox_of(user)


def demo_logins() -> list[dict]:
    return [{"email": f"{who}@{DEMO_DOMAIN}", "role": role} for who, role in DEMO_LOGINS]


@dataclass(frozen=True)
class Layout:
    roles: Roles
    nav: list[NavLink]
    # The person's own area (My organisation, Review dashboard, ...), for "get started" buttons.
    start: NavLink | None


def _layout(request) -> Layout:
    # Remembered on the request: a page that renders several templates asks only once.
    cached = getattr(request, "_meetandcode_layout", None)
    if cached is None:
        user = getattr(request, "user", None)
        roles = roles_of(user)
        public = _links(request, _public_links())
        own = _links(request, _role_links(user, roles))
        cached = Layout(roles=roles, nav=public + own, start=own[0] if own else None)
        request._meetandcode_layout = cached
    return cached


def _public_links() -> list[tuple[str, str]]:
    return [(EVENTS_URL, _("Events")), (IMPACT_URL, _("Impact")), (LIBRARY_URL, _("Library"))]


def _role_links(user, roles: Roles) -> list[tuple[str, str]]:
    wanted = []
    if roles.applicant:
        wanted.append((MY_ORGANISATION_URL, _("My organisation")))
    if roles.partner_staff or roles.programme_staff:
        wanted.append((REVIEW_DASHBOARD_URL, _("Review dashboard")))
        wanted.append((PAYMENTS_URL, _("Payments")))
        wanted.append((PROGRAMME_FIGURES_URL, _("Programme figures")))
    if roles.message_editor:
        wanted.append((MESSAGES_URL, _("Messages")))
    if roles.programme_staff and user.is_staff:  # the Django admin lets in staff accounts only
        wanted.append(("admin:index", _("Admin")))
    return wanted


def _links(request, wanted: list[tuple[str, str]]) -> list[NavLink]:
    """The links whose pages exist; the current one is the longest address the page is under."""
    found = [(url, label) for name, label in wanted if (url := url_or_none(name))]
    under = [url for url, _label in found if request.path.startswith(url)]
    current = max(under, key=len, default=None)
    return [NavLink(label=label, url=url, current=url == current) for url, label in found]
