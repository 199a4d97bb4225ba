from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("my/proposals/new/", views.start, name="start"),
    path("my/proposals/<int:pk>/", views.detail, name="detail"),
    path("my/proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("my/proposals/<int:pk>/edit/<slug:section>/", views.save_section, name="save_section"),
    path("my/proposals/<int:pk>/submit/", views.review, name="submit"),
    path("my/proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
