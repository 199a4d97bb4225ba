from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from organisations import views_mfa
from organisations.views_privacy import privacy_notice

from . import views, views_language

# Addresses that are the same in every language: the health probe, the language switch, the open
# feeds (partners subscribe to them), the API and the admin. Their pages are in English (the
# default).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("i18n/setlang/", views_language.set_language, name="set_language"),
    path("", include("events.urls_feeds")),  # /events.geojson, .ics, .rss, .csv
    path("api/", include("meetandcode.api.urls")),  # /api/v1/..., /api/schema/, /api/docs/
    path("admin/", admin.site.urls),
]

# Every page a person reads: English at /events/, German at /de/events/, and so on.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", privacy_notice, name="privacy"),
    # Activating an authenticator app returns to the page that asked for it (before allauth's
    # own views at the same addresses and names; organisations/views_mfa.py says why).
    path("accounts/2fa/totp/activate/", views_mfa.activate_totp, name="mfa_activate_totp"),
    path(
        "accounts/2fa/recovery-codes/",
        views_mfa.view_recovery_codes,
        name="mfa_view_recovery_codes",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("grants.urls_letters")),  # /letters/verify/<code>/ as printed on letters
    path("my/", include("organisations.urls")),
    path("partner/api-tokens/", include("meetandcode.api.urls_pages")),
    path("partner/webhooks/", include("meetandcode.api.urls_webhooks")),
    path("partner/", include("grants.urls")),
    path("", include("grants.urls_public")),  # /impact/, /countries/<code>/, /faq/
    path("", include("events.urls")),
    prefix_default_language=False,
)
