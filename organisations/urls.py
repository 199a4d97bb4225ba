from django.urls import path

from . import views, views_privacy

app_name = "organisations"

urlpatterns = [
    path("", views.dashboard, name="mine"),
    path("organisations/new/", views.organisation_create, name="create"),
    path("organisations/legal-forms/", views.legal_form_options, name="legal_forms"),
    path(
        "organisations/letter-languages/",
        views.letter_language_options,
        name="letter_languages",
    ),
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
    path("members/<int:pk>/decline/", views.decline_member, name="decline_member"),
    path("organisations/<int:pk>/invite/", views.invite_member, name="invite_member"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", views.accept_invitation, name="accept_invitation"),
    path("notifications/read/", views.mark_notifications_read, name="notifications_read"),
    path("account/", views.account, name="account"),
    path("account/data/", views_privacy.account_data, name="account_data"),
    path("account/delete/", views_privacy.delete_account, name="delete_account"),
    path("account/privacy/", views_privacy.accept_privacy, name="accept_privacy"),
]
