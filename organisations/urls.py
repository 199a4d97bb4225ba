from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.dashboard, name="mine"),
    path("organisations/new/", views.organisation_create, name="create"),
    path("organisations/legal-forms/", views.legal_form_options, name="legal_forms"),
    path("organisations/join/", views.join, name="join"),
    path("organisations/<int:pk>/", views.organisation_detail, name="detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<int:pk>/join/", views.request_join, name="request_join"),
    path("organisations/<int:pk>/validation/code/", views.redeem_token, name="redeem_token"),
    path(
        "organisations/<int:pk>/validation/check/",
        views.request_validation,
        name="request_validation",
    ),
    path("members/<int:pk>/accept/", views.accept_member, name="accept_member"),
]
