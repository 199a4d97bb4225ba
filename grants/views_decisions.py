"""The partner dashboard's actions: reviews, comments, decisions, bulk decisions, validation
tokens and manual validation of organisations.

Thin views: the proposal is fetched through the partner's scope (404 for another country), the
form is checked, one service call does the work (and checks the role again), then a redirect to
the proposal page, or the form again with its errors and everything typed (status 400).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.permissions import visible_proposals
from events.reports import report_window
from meetandcode.kernel.exceptions import BudgetExceeded, DomainError
from meetandcode.kernel.formatting import format_money
from organisations.models import OrganisationValidation
from organisations.permissions import (
    managed_programmes,
    manager_required,
    partner_required,
    visible_programmes,
)
from programmes.models import CountryProgramme

from . import services, workbench
from .filters import DECIDABLE, QueueFilter
from .forms import (
    ApproveForm,
    BulkDecisionForm,
    CancelGrantForm,
    CommentForm,
    ConflictForm,
    RefuseValidationForm,
    RejectForm,
    RequestChangesForm,
    ReviewForm,
    TokenForm,
)
from .reference import reference_for
from .selectors import queue_for

PROPOSAL_PAGE = "grants:proposal"


def _proposal(request: HttpRequest, pk: int):
    queryset = visible_proposals(request.user).select_related(
        "organisation", "country_programme__edition", "country_programme__partner"
    )
    return get_object_or_404(queryset, pk=pk)


def _back(proposal, anchor: str = "") -> HttpResponse:
    return redirect(reverse(PROPOSAL_PAGE, args=[proposal.pk]) + (f"#{anchor}" if anchor else ""))


def _own_review(proposal, user):
    return proposal.reviews.filter(reviewer=user).prefetch_related("scores").first()


# --- Reviews and comments ---------------------------------------------------------------------


@partner_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the proposal on each criterion of its edition (GET shows the form, POST saves)."""
    proposal = _proposal(request, pk)
    criteria = proposal.country_programme.edition.criteria.all()
    own = _own_review(proposal, request.user)
    if request.method != "POST":
        initial = {"comment": own.comment if own else ""}
        for score in own.scores.all() if own else []:
            initial[f"score_{score.criterion_id}"] = score.score
        form = ReviewForm(criteria=criteria, initial=initial)
        return _render_review(request, proposal, form, own)
    form = ReviewForm(request.POST, criteria=criteria)
    # "Save review and next": the next one in the person's list, found before this review takes
    # the proposal out of it (grants.workbench.pager keeps its place either way).
    and_next = "and_next" in request.POST
    following = _next_in_queue(request, proposal) if and_next else None
    if form.is_valid():
        try:
            services.submit_review(
                proposal,
                reviewer=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except services.ReviewNotValid as error:
            form.add_service_errors(error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your review is saved."))
            if not and_next:
                return _back(proposal, "reviews")
            if following is None:
                messages.info(request, _("That was the last proposal in your list."))
                return redirect("grants:dashboard")
            return redirect(PROPOSAL_PAGE, following)
    return _render_review(request, proposal, form, own, status=400, and_next=and_next)


def _next_in_queue(request, proposal) -> int | None:
    return workbench.pager(request.user, proposal.pk, reference_for(request.user)).next_id


def _render_review(request, proposal, form, own, status=200, and_next=False) -> HttpResponse:
    context = {
        "and_next": and_next,
        "proposal": proposal,
        "form": form,
        "own_review": own,
        "conflict_form": ConflictForm(),
        "summary": services.review_summary(proposal),
    }
    return render(request, "grants/review.html", context, status=status)


@require_POST
@partner_required
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = ConflictForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.declare_conflict(proposal, reviewer=request.user, note=note)
    messages.success(
        request, _("Conflict of interest noted: your scores are left out of the average.")
    )
    return _back(proposal, "reviews")


@require_POST
@partner_required
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                proposal,
                author=request.user,
                body=form.cleaned_data["body"],
                to_applicant=form.cleaned_data["to_applicant"],
            )
        except DomainError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Your comment is saved."))
            return _back(proposal, "comments")
    return _render_decision(request, proposal, form, _("Add a comment"), "comment", 400)


# --- Decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LateApproval:
    """What follows from approving a proposal whose event is already over."""

    ended_at: datetime
    report_due: datetime | None
    report_overdue: bool
    paid_after_report: bool


def late_approval(proposal, *, now: datetime) -> LateApproval | None:
    """None while the event has not ended; else when its report is due (perhaps already) and
    whether the payment waits for the report, for the manager to confirm knowingly."""
    if proposal.ends_at is None or proposal.ends_at > now:
        return None
    window = report_window(proposal)
    timing = proposal.country_programme.payment_timing
    return LateApproval(
        ended_at=proposal.ends_at,
        report_due=window.due_at,
        report_overdue=window.is_overdue(now),
        paid_after_report=timing == CountryProgramme.PaymentTiming.AFTER_REPORT,
    )


def _late_confirmed(request) -> bool:
    return request.POST.get("confirm_past_event") == "yes"


def _render_decision(request, proposal, form, title, action, status=400, late=None) -> HttpResponse:
    """A decision form that needs correcting (or, for an event that is over, confirming), on a
    page of its own, keeping what was typed."""
    context = {
        "proposal": proposal,
        "form": form,
        "title": title,
        "action_url": reverse(f"grants:{action}", args=[proposal.pk]),
        "programme": proposal.country_programme,
        "late": late,
    }
    return render(request, "grants/review_decision.html", context, status=status)


def _decide(request, proposal, form, title, action, call, late=None) -> HttpResponse:
    """Validate the form, call the service; a refusal goes next to ``error_field``."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            field = "amount" if "amount" in form.fields else None
            form.add_error(field, str(error))
            if isinstance(error, BudgetExceeded):
                proposal.country_programme.refresh_from_db()
        else:
            return _back(proposal)
    return _render_decision(request, proposal, form, title, action, late=late)


@require_POST
@manager_required
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)

    def call(data):
        services.request_changes(proposal, actor=request.user, message=data["message"])
        messages.success(request, _("The proposal went back to the applicant."))

    form = RequestChangesForm(request.POST)
    return _decide(request, proposal, form, _("Request changes"), "request_changes", call)


@require_POST
@manager_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve at the amount given; for an event already over, only once the manager has seen
    what follows (the report due at once, the payment after it) and confirmed."""
    proposal = _proposal(request, pk)
    late = late_approval(proposal, now=timezone.now())
    form = ApproveForm(request.POST, proposal=proposal)
    if late and not _late_confirmed(request) and form.is_valid():
        return _render_decision(request, proposal, form, _("Approve"), "approve", 200, late)

    def call(data):
        grant = services.approve_proposal(proposal, actor=request.user, amount=data["amount"])
        messages.success(
            request,
            _("Approved: grant %(reference)s of %(money)s.")
            % {"reference": grant.reference, "money": format_money(grant.amount, grant.currency)},
        )

    return _decide(request, proposal, form, _("Approve"), "approve", call, late)


@require_POST
@manager_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)

    def call(data):
        services.reject_proposal(proposal, actor=request.user, reason=data["reason"])
        messages.success(request, _("The proposal is rejected; the applicant was told why."))

    form = RejectForm(request.POST)
    return _decide(request, proposal, form, _("Reject"), "reject", call)


@require_POST
@manager_required
def cancel_grant(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)

    def call(data):
        services.cancel_grant(proposal, actor=request.user, reason=data["reason"])
        messages.success(request, _("The grant is cancelled and its amount is back in the budget."))

    form = CancelGrantForm(request.POST)
    return _decide(request, proposal, form, _("Cancel the grant"), "cancel_grant", call)


# --- Bulk decisions from the queue ------------------------------------------------------------


def _selected(request) -> list[str]:
    """The queue's checkboxes (named ``proposals``), or, with "all that match the filters"
    chosen, every proposal of the queue's filters (``queue_query``) that can be decided."""
    if request.POST.get("all_matching") != "1":
        return request.POST.getlist("proposals")
    filterset = QueueFilter(
        QueryDict(request.POST.get("queue_query", "")),
        queryset=queue_for(request.user),
        request=request,
    )
    if not filterset.is_valid():
        return []
    matching = filterset.qs.filter(status__in=DECIDABLE).values_list("pk", flat=True)
    return [str(pk) for pk in matching]


def by_score(proposals) -> list:
    """Best average score first (none last), then the longest waiting: the order a bulk
    approval takes, so the proposals the budget runs out on are the weakest."""
    return sorted(
        proposals,
        key=lambda p: (
            p.avg_score is None,
            -(p.avg_score or 0),
            p.submitted_at is None,
            p.submitted_at or 0,
            p.pk,
        ),
    )


@require_POST
@manager_required
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """From the queue: first a confirmation page (with the reason for a rejection), then the
    decisions, one service call per proposal, and a page with each proposal's result."""
    scope = visible_proposals(request.user)
    selected = _selected(request)
    data = request.POST.copy()
    data.setlist("proposals", selected)
    form = BulkDecisionForm(data, proposals=scope)
    if not (form.is_valid() and request.POST.get("confirm") == "yes"):
        status = 400 if request.POST.get("confirm") == "yes" else 200
        return _render_bulk_confirm(request, form, selected, status)
    chosen = queue_for(request.user).filter(pk__in=form.cleaned_data["proposals"])
    proposals = by_score(chosen.select_related("country_programme__partner"))
    approving = form.cleaned_data["decision"] == "approve"
    if approving and _late_ones(proposals) and not _late_confirmed(request):
        # Not confirmed on the page that lists them (or an event ended since): ask again.
        return _render_bulk_confirm(request, form, selected, 200)
    results = services.bulk_decide(
        proposals,
        actor=request.user,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data.get("reason", ""),
    )
    context = {
        "results": results,
        "decision": form.cleaned_data["decision"],
        "succeeded": sum(1 for r in results if r.ok),
        "failed": sum(1 for r in results if not r.ok),
        "programmes": visible_programmes(request.user)
        .filter(pk__in={p.country_programme_id for p in proposals})
        .select_related("edition"),
    }
    return render(request, "grants/bulk_results.html", context)


def _late_ones(proposals) -> list[tuple]:
    """The proposals whose event is over, each with what its approval entails."""
    now = timezone.now()
    pairs = ((p, late_approval(p, now=now)) for p in proposals)
    return [(p, late) for p, late in pairs if late]


def _render_bulk_confirm(request, form, selected, status) -> HttpResponse:
    ids = [pk for pk in selected if pk.isdigit()]
    chosen = by_score(queue_for(request.user).filter(pk__in=ids))
    decision = request.POST.get("decision", "")
    programmes = visible_programmes(request.user).filter(
        pk__in={p.country_programme_id for p in chosen}
    )
    context = {
        "form": form,
        "chosen": chosen,
        "total": sum((p.requested_amount for p in chosen), 0),
        "decision": decision,
        "late_ones": _late_ones(chosen) if decision == "approve" else [],
        "groups": budget_groups(chosen, programmes.select_related("edition")),
    }
    return render(request, "grants/bulk_confirm.html", context, status=status)


@dataclass
class BudgetGroup:
    """The selection of one country programme, best first, and where its budget runs out."""

    programme: CountryProgramme
    rows: list = field(default_factory=list)  # (proposal, running total, within the budget)
    total: Decimal = Decimal(0)

    @property
    def over(self) -> int:
        return sum(1 for _proposal, _running, fits in self.rows if not fits)


def budget_groups(chosen: list, programmes) -> list[BudgetGroup]:
    """``chosen`` (in approval order) per programme, each row with the running total of the
    requests and whether it still fits the remaining budget: the confirm page draws the line
    where the first one does not."""
    groups = {programme.pk: BudgetGroup(programme) for programme in programmes}
    for proposal in chosen:
        group = groups.get(proposal.country_programme_id)
        if group is None:
            continue
        group.total += proposal.requested_amount
        group.rows.append((proposal, group.total, group.total <= group.programme.remaining))
    return [group for group in groups.values() if group.rows]


# --- Organisation validation: tokens and manual checks ----------------------------------------


@manager_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Issue validation codes; they are shown once, on the answer to the POST."""
    programmes = managed_programmes(request.user).select_related("edition")
    form = TokenForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_tokens(
                form.cleaned_data["country_programme"],
                actor=request.user,
                count=form.cleaned_data["count"],
                email=form.cleaned_data["email"],
            )
        except DomainError as error:
            form.add_error("count", str(error))
        else:
            context = {
                "tokens": issued,
                "programme": form.cleaned_data["country_programme"],
                "email": form.cleaned_data["email"],
            }
            response = render(request, "grants/tokens_issued.html", context)
            # Shown once: PrivatePagesMiddleware marks it private, no-store (never from a cache).
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/tokens.html", {"form": form}, status=status)


def _validations(user):
    """Organisations of the partner's countries that asked for a manual check."""
    programmes = managed_programmes(user).values_list("edition_id", "country")
    pairs = list(programmes)
    if not pairs:
        return OrganisationValidation.objects.none()
    scope = Q()
    for edition_id, country in pairs:
        scope |= Q(edition_id=edition_id, organisation__country=country)
    return OrganisationValidation.objects.filter(scope).select_related("organisation", "edition")


@manager_required
def validations(request: HttpRequest) -> HttpResponse:
    requested = (
        _validations(request.user)
        .filter(status=OrganisationValidation.Status.REQUESTED)
        .order_by("created_at")
    )
    context = {"validations": requested, "refuse_form": RefuseValidationForm()}
    return render(request, "grants/validations.html", context)


@require_POST
@manager_required
def decide_validation(request: HttpRequest, pk: int) -> HttpResponse:
    validation = get_object_or_404(_validations(request.user), pk=pk)
    validated = request.POST.get("decision") == "validate"
    form = RefuseValidationForm(request.POST)
    if not validated and not form.is_valid():
        context = {"validation": validation, "form": form}
        return render(request, "grants/validation_refuse.html", context, status=400)
    services.decide_organisation(
        validation.organisation,
        validation.edition,
        actor=request.user,
        validated=validated,
        reason="" if validated else form.cleaned_data["reason"],
    )
    if validated:
        messages.success(request, _("%(name)s is validated.") % {"name": validation.organisation})
    else:
        message = _("%(name)s is refused; they were told why.")
        messages.success(request, message % {"name": validation.organisation})
    return redirect("grants:validations")
