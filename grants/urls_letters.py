from django.urls import path

from . import views_letters

app_name = "letters"

urlpatterns = [
    path("my/grants/<int:grant_id>/letter/", views_letters.download, name="download"),
    path("letters/verify/", views_letters.verify_form, name="verify_form"),
    path("letters/verify/<str:code>/", views_letters.verify, name="verify"),
]
