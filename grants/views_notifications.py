"""The notifications of partner and programme staff, in the partner area (/partner/notifications/).

The same person's notifications as on the applicants' "My organisation" page (they are a
person's, not a role's), on a page that does not tell staff to register an organisation.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organisations import notifications
from organisations.permissions import partner_required

# More than the layout's latest few: this page is where staff read them.
STAFF_NOTIFICATIONS_SHOWN = 50


@partner_required
@require_GET
def staff_notifications(request: HttpRequest) -> HttpResponse:
    inbox = notifications.inbox_of(request.user, limit=STAFF_NOTIFICATIONS_SHOWN)
    # Named as the context processor names them, so the shared partial and the badge read these.
    context = {"user_notifications": inbox.latest, "unread_notifications": inbox.unread}
    return render(request, "grants/notifications.html", context)
