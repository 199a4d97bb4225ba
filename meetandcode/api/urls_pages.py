"""The API tokens page, in the site's languages (meetandcode/urls.py, i18n_patterns)."""

from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
