"""The webhooks pages, in the site's languages (meetandcode/urls.py, i18n_patterns)."""

from django.urls import path

from . import views_webhooks as views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="list"),
    path("new/", views.new_endpoint, name="new"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/ping/", views.ping, name="ping"),
    path("<int:pk>/disable/", views.disable, name="disable"),
    path("<int:pk>/new-secret/", views.replace_secret, name="new_secret"),
    path("<int:pk>/deliveries/<int:delivery_pk>/replay/", views.replay, name="replay"),
]
