from django.contrib import admin
from django.urls import include, path

from organisations.views_privacy import privacy_notice

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", privacy_notice, name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("", include("grants.urls_letters")),
    path("my/", include("organisations.urls")),
    path("partner/", include("grants.urls")),
    path("", include("grants.urls_public")),  # /impact/, /countries/<code>/, /faq/
    path("", include("events.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
