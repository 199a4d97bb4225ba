from django.urls import path

from . import views_letters, views_payments

app_name = "letters"

urlpatterns = [
    path("my/grants/<int:grant_id>/letter/", views_letters.download, name="download"),
    # The organisation's donation receipt (grants/views_payments.py)
    path(
        "my/grants/<int:grant_id>/donation-receipt/",
        views_payments.upload_receipt,
        name="upload_donation_receipt",
    ),
    path(
        "my/grants/<int:grant_id>/donation-receipt/file/",
        views_payments.download_receipt,
        name="donation_receipt",
    ),
    path("letters/verify/", views_letters.verify_form, name="verify_form"),
    path("letters/verify/<str:code>/", views_letters.verify, name="verify"),
]
