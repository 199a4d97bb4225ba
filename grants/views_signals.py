"""A reviewer marks an integrity signal "checked, fine" (grants.integrity.mark_checked).

The signals themselves show on the proposal page (grants/_signals.html, through the
``signal_panel`` tag), for partner staff only.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.permissions import visible_proposals
from meetandcode.kernel.exceptions import DomainError
from organisations.permissions import partner_required

from . import integrity
from .forms import SignalCheckForm
from .models import IntegritySignal


@require_POST
@partner_required
def check_signal(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    proposal = get_object_or_404(
        visible_proposals(request.user).select_related("organisation", "country_programme"),
        pk=pk,
    )
    if kind not in IntegritySignal.Kind.values:
        raise Http404
    form = SignalCheckForm(request.POST)
    if form.is_valid():
        try:
            note = form.cleaned_data["note"]
            integrity.mark_checked(proposal, kind, actor=request.user, note=note)
        except DomainError as error:
            form.add_error("note", str(error))
        else:
            messages.success(request, _("The signal is marked as checked."))
            return redirect(reverse("grants:proposal", args=[proposal.pk]) + "#signals")
    context = {
        "proposal": proposal,
        "form": form,
        "title": _("Checked, fine"),
        "action_url": reverse("grants:check_signal", args=[proposal.pk, kind]),
        "programme": proposal.country_programme,
    }
    return render(request, "grants/review_decision.html", context, status=400)
