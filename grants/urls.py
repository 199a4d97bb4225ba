"""The national partners' review dashboard, under /partner/.

Every view here is guarded by ``organisations.permissions.partner_required`` or
``manager_required`` and fetches through the scoped querysets of ``events.permissions`` (another
country's object is a 404).
tests/grants/test_partner_access.py asks every URL of this namespace as each kind of visitor.
"""

from django.urls import path

from . import (
    views,
    views_decisions,
    views_figures,
    views_messages,
    views_notifications,
    views_payments,
    views_questions,
    views_signals,
)

app_name = "grants"

urlpatterns = [
    # Queue, proposal page and exports (grants/views.py)
    path("", views.queue, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    # Payments and programme figures (grants/views_payments.py, grants/views_figures.py)
    path("payments/", views_payments.payments_list, name="payments"),
    path("payments/export.csv", views_payments.payments_csv, name="payments_csv"),
    path("payments/export.xlsx", views_payments.payments_xlsx, name="payments_xlsx"),
    path("proposals/<int:pk>/payment/", views_payments.payment, name="payment"),
    path("figures/", views_figures.figures_page, name="figures"),
    path("figures/export.csv", views_figures.figures_csv, name="figures_csv"),
    path("figures/export.xlsx", views_figures.figures_xlsx, name="figures_xlsx"),
    # The staff's own notifications (grants/views_notifications.py)
    path("notifications/", views_notifications.staff_notifications, name="notifications"),
    # The extra questions' preview (grants/views_questions.py)
    path("questions/preview/", views_questions.question_preview, name="question_preview"),
    # The messages staff edit (grants/views_messages.py)
    path("messages/", views_messages.message_list, name="messages"),
    path(
        "messages/<str:kind>/<str:language>/",
        views_messages.message_edit,
        name="message_edit",
    ),
    # ---- Reviews, comments, decisions, tokens, organisation validation --------------------
    # (grants/views_decisions.py): add those paths below this line.
    path("proposals/<int:pk>/review/", views_decisions.review, name="review"),
    path("proposals/<int:pk>/conflict/", views_decisions.declare_conflict, name="conflict"),
    path("proposals/<int:pk>/comment/", views_decisions.comment, name="comment"),
    path(
        "proposals/<int:pk>/request-changes/",
        views_decisions.request_changes,
        name="request_changes",
    ),
    path("proposals/<int:pk>/approve/", views_decisions.approve, name="approve"),
    path("proposals/<int:pk>/reject/", views_decisions.reject, name="reject"),
    path("proposals/<int:pk>/cancel/", views_decisions.cancel_grant, name="cancel_grant"),
    path("bulk/", views_decisions.bulk_decide, name="bulk_decide"),
    path(
        "proposals/<int:pk>/signals/<str:kind>/check/",
        views_signals.check_signal,
        name="check_signal",
    ),
    path("tokens/", views_decisions.tokens, name="tokens"),
    path("validations/", views_decisions.validations, name="validations"),
    path(
        "validations/<int:pk>/decide/",
        views_decisions.decide_validation,
        name="decide_validation",
    ),
]
