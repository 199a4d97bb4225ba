"""Django's bare signed-in page, the floor's floor (issue 19).

The site's own settings with two middleware only, sessions and authentication, and one view that
answers the signed-in person's address: what any Django site pays to know who is asking. The load
test (bench/load.py) runs a gunicorn of its own with these settings
(``DJANGO_SETTINGS_MODULE=bench.bare_settings``), with the same sessions and secret key, so the
same cookies sign in; bench/profile.py uses them in-process.
"""

from meetandcode.settings import *  # noqa: F403 (the site's settings, two of them changed)

ALLAUTH_MIDDLEWARE = "allauth.account.middleware.AccountMiddleware"


class _Stack(list):
    """allauth, once installed, refuses to start unless its middleware is in MIDDLEWARE; it is
    installed here (our models use it) but not run: the stack says it holds it, and does not."""

    def __contains__(self, item) -> bool:
        return item == ALLAUTH_MIDDLEWARE or super().__contains__(item)


MIDDLEWARE = _Stack(
    [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
ROOT_URLCONF = "bench.bare_urls"
