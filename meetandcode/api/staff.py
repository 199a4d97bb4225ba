"""The API for partner and programme staff, with a personal token: who the token acts as, and
their countries' proposals, through the same selectors, filters and permission policy as the
review queue and the proposal page (another country's proposal is a 404 here as there, and
opening one is recorded as the page records it)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from events import reports
from events.permissions import get_partner_proposal_for
from grants import payments, services
from grants.filters import PaymentFilter, QueueFilter
from grants.models import Review, ReviewScore
from grants.selectors import grants_for, queue_for
from meetandcode.kernel.exceptions import AmountNotAllowed, DomainError
from organisations.permissions import scope_of
from organisations.privacy import log_staff_read

from .auth import token_auth
from .facts import grant_facts, proposal_facts
from .paging import Page, Paging, page_of
from .schemas import FieldErrors, Problem

router = Router(tags=["Staff: with a token"], auth=token_auth)


class Me(Schema):
    """The token's person and what the token may."""

    email: str
    token: str
    scope: str
    expires_on: date
    programme_staff: bool
    countries: list[str]
    managed_countries: list[str]


@router.get("/me/", response=Me, summary="The token's person")
def me(request: HttpRequest):
    token, scope = request.auth, scope_of(request.user)
    return {
        "email": request.user.email,
        "token": token.name,
        "scope": token.scope,
        "expires_on": token.expires_on,
        "programme_staff": scope.everywhere,
        "countries": sorted(scope.countries),
        "managed_countries": sorted(scope.managed_countries),
    }


class QueueFilters(Schema):
    """The review queue's filters (the dashboard's form), checked the same way."""

    edition: str | None = Field(None, description="an edition's year, or all (default: current)")
    todo: str | None = Field(None, description="all, review (not reviewed by me) or decide")
    q: str | None = Field(None, description="words in the title, description or organisation")
    status: str | None = Field(None, description="submitted, approved, rejected, ...")
    country: str | None = Field(None, description="one of the person's countries, e.g. LU")
    format: str | None = None
    town: str | None = None
    date_from: str | None = Field(None, description="YYYY-MM-DD: events from this day")
    date_to: str | None = Field(None, description="YYYY-MM-DD: events until this day")
    min_score: str | None = Field(None, description="average score at least (1 to 5)")
    focus_group: str | None = None
    signals: str | None = Field(None, description="open (not checked yet) or any")
    sort: str | None = Field(None, description="submitted, -score, amount, ... as the queue")


class Organisation(Schema):
    id: int
    name: str


class StaffProposal(Schema):
    """A proposal as the review queue lists it."""

    id: int
    title: str
    status: str
    organisation: Organisation
    country: str
    edition: int
    town: str
    format: str
    starts_at: datetime | None
    ends_at: datetime | None
    requested_amount: Decimal
    currency: str
    submitted_at: datetime | None
    average_score: float | None
    reviews: int


class Grant(Schema):
    reference: str
    amount: Decimal
    currency: str
    status: str
    payment_status: str
    paid_on: date | None


class ReviewOut(Schema):
    reviewer: str
    conflict_of_interest: bool = Field(..., description="declared: its scores do not count")
    scores: dict[str, int] = Field(..., description="criterion: score (1 to 5)")
    comment: str
    updated_at: datetime


class CommentDetail(Schema):
    id: int
    author: str
    body: str
    to_applicant: bool
    created_at: datetime


class ProposalDetail(StaffProposal):
    """The proposal page's facts, its reviews and staff comments."""

    reviews: list[ReviewOut]
    comments: list[CommentDetail]

    description: str
    delivery: str
    venue: str
    age_min: int | None
    age_max: int | None
    grant: Grant | None
    report_status: str | None


class ProposalPage(Page):
    results: list[StaffProposal]


def _summary(proposal) -> dict:
    score = getattr(proposal, "avg_score", None)
    return {
        **proposal_facts(proposal),
        "town": proposal.city,
        "format": proposal.format,
        "starts_at": proposal.starts_at,
        "ends_at": proposal.ends_at,
        "submitted_at": proposal.submitted_at,
        "average_score": None if score is None else round(float(score), 2),
        "reviews": getattr(proposal, "review_count", 0),
    }


@router.get(
    "/proposals/",
    response={200: ProposalPage, 400: FieldErrors},
    summary="The person's review queue",
)
def list_proposals(request: HttpRequest, filters: Query[QueueFilters], paging: Query[Paging]):
    """The proposals of the token person's countries that the review queue shows them, with its
    filters (the current edition unless ``edition`` says otherwise); a conflict of interest
    they declared leaves the proposal out, as in the queue."""
    filterset = QueueFilter(request.GET, queryset=queue_for(request.user), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors}, status=400)
    proposals = filterset.qs
    if not proposals.ordered:
        proposals = proposals.order_by("submitted_at", "pk")
    return page_of(request, proposals, paging, _summary)


@router.get(
    "/proposals/{proposal_id}/",
    response={200: ProposalDetail, 404: Problem},
    summary="One proposal",
)
def get_proposal(request: HttpRequest, proposal_id: int):
    """As the proposal page: only the person's countries (else 404), and the reading is
    recorded in the audit log as the page records it."""
    proposal = get_partner_proposal_for(request.user, proposal_id, also=("grant", "report"))
    log_staff_read(request, proposal)
    grant = getattr(proposal, "grant", None)
    report = getattr(proposal, "report", None)
    reviews = list(_reviews_of(proposal))
    summary = services.summary_of(reviews)  # the page's own average, from the same reviews
    proposal.avg_score, proposal.review_count = summary.average, summary.count
    return {
        **_summary(proposal),
        "description": proposal.description,
        "delivery": proposal.delivery,
        "venue": proposal.venue_name,
        "age_min": proposal.age_min,
        "age_max": proposal.age_max,
        "grant": None if grant is None else grant_facts(grant),
        "report_status": None if report is None else report.status,
        "reviews": [_review(review) for review in reviews],
        "comments": [_comment(comment) for comment in _comments_of(proposal)],
    }


class ReportFileOut(Schema):
    kind: str
    name: str
    size: int
    public: bool


class ReportOut(Schema):
    status: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    figures: dict[str, int] | None = Field(
        None, description="participants by age, gender and focus group; null while a draft"
    )
    only_possible_thanks_to_grant: bool | None
    went_well: str
    went_badly: str
    files: list[ReportFileOut]


@router.get(
    "/proposals/{proposal_id}/report/",
    response={200: ReportOut, 404: Problem},
    summary="The report after the event",
)
def get_report(request: HttpRequest, proposal_id: int):
    """As the proposal page's report: the figures, texts and files once it is handed in (a
    draft shows its status only); 404 when there is none yet."""
    proposal = get_partner_proposal_for(request.user, proposal_id, also=("report",))
    report = getattr(proposal, "report", None)
    if report is None:
        return Status(404, {"detail": _("There is no report on this proposal yet.")})
    log_staff_read(request, proposal)
    if report.status == report.Status.DRAFT:
        draft = {"figures": None, "only_possible_thanks_to_grant": None, "files": []}
        return {**_report_dates(report), **draft, "went_well": "", "went_badly": ""}
    files = report.files.order_by("kind", "pk")
    return {
        **_report_dates(report),
        "figures": {name: getattr(report, name) for name in reports.NUMBERS},
        "only_possible_thanks_to_grant": report.only_possible_thanks_to_grant,
        "went_well": report.went_well,
        "went_badly": report.went_badly,
        "files": [
            {"kind": f.kind, "name": f.original_name, "size": f.size, "public": f.public}
            for f in files
        ],
    }


def _report_dates(report) -> dict:
    return {
        "status": report.status,
        "submitted_at": report.submitted_at,
        "accepted_at": report.accepted_at,
    }


def _reviews_of(proposal):
    scores = Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
    reviews = Review.objects.filter(proposal=proposal).select_related("reviewer")
    return reviews.prefetch_related(scores).order_by("created_at", "pk")


def _review(review) -> dict:
    return {
        "reviewer": str(review.reviewer),
        "conflict_of_interest": review.conflict_of_interest,
        "scores": {str(s.criterion.name): s.score for s in review.scores.all()},
        "comment": review.comment,
        "updated_at": review.updated_at,
    }


def _comments_of(proposal):
    return proposal.comments.select_related("author").order_by("created_at", "pk")


def _comment(comment) -> dict:
    return {
        "id": comment.pk,
        "author": str(comment.author) if comment.author else "",
        "body": comment.body,
        "to_applicant": comment.to_applicant,
        "created_at": comment.created_at,
    }


# --- Payments ------------------------------------------------------------------------------


class PaymentFilters(Schema):
    """The payments list's filters, checked the same way."""

    q: str | None = Field(None, description="grant or payment reference, event, organisation")
    country: str | None = Field(None, description="one of the person's countries")
    edition: int | None = Field(None, description="an edition's year")
    status: str | None = Field(None, description="unpaid, payable or paid")
    paid_from: str | None = Field(None, description="YYYY-MM-DD")
    paid_to: str | None = Field(None, description="YYYY-MM-DD")


class GrantPayment(Grant):
    """A grant in the payments list: what it is for and where its payment stands."""

    proposal_id: int
    title: str
    organisation: Organisation
    country: str
    edition: int
    approved_at: datetime
    state: str = Field(..., description="paid, payable, waiting (for the report) or cancelled")
    paid_amount: Decimal | None
    payment_reference: str


class PaymentPage(Page):
    results: list[GrantPayment]


def _payment_row(grant) -> dict:
    proposal = grant.proposal
    return {
        **grant_facts(grant),
        "proposal_id": proposal.pk,
        "title": proposal.title,
        "organisation": {"id": proposal.organisation_id, "name": proposal.organisation.name},
        "country": str(grant.country_programme.country),
        "edition": grant.country_programme.edition.year,
        "approved_at": grant.approved_at,
        "state": payments.payment_state(grant),
        "paid_amount": grant.paid_amount,
        "payment_reference": grant.payment_reference,
    }


@router.get(
    "/payments/",
    response={200: PaymentPage, 400: FieldErrors},
    summary="The grants of the person's countries and their payments",
)
def list_payments(request: HttpRequest, filters: Query[PaymentFilters], paging: Query[Paging]):
    """As the payments page: the grants of the person's countries, latest approval first."""
    filterset = PaymentFilter(request.GET, queryset=grants_for(request.user), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors}, status=400)
    return page_of(request, filterset.qs, paging, _payment_row)


# --- Writing (a read-and-write token; the pages' services decide the rest) --------------------


class CommentIn(Schema):
    body: str = Field(..., max_length=3000, description="the comment's text")
    to_applicant: bool = Field(False, description="shown to the applicant (else internal)")


class CommentOut(Schema):
    id: int
    to_applicant: bool


class PaymentIn(Schema):
    paid_on: date = Field(..., description="the day the bank transfer was made")
    amount: Decimal = Field(..., description="the amount paid, at most the grant")
    reference: str = Field(..., max_length=100, description="the payment's bank reference")


def _writable(request: HttpRequest) -> None:
    if not request.auth.may_write:
        raise PermissionDenied(_("This token may only read: make a read-and-write token."))


@router.post(
    "/proposals/{proposal_id}/comments/",
    response={201: CommentOut, 400: FieldErrors, 403: Problem, 404: Problem},
    summary="Add a comment",
)
def add_comment(request: HttpRequest, proposal_id: int, comment: CommentIn):
    """As "Add a comment" on the proposal page: partner staff of the proposal's country."""
    _writable(request)
    proposal = get_partner_proposal_for(request.user, proposal_id)
    try:
        made = services.add_comment(
            proposal, author=request.user, body=comment.body, to_applicant=comment.to_applicant
        )
    except DomainError as error:
        return Status(400, {"errors": {"body": [str(error)]}})
    return Status(201, {"id": made.pk, "to_applicant": made.to_applicant})


@router.post(
    "/proposals/{proposal_id}/payment/",
    response={200: Grant, 400: FieldErrors, 403: Problem, 404: Problem, 409: Problem},
    summary="Record the grant's payment",
)
def record_payment(request: HttpRequest, proposal_id: int, payment: PaymentIn):
    """As the payment page: a manager of the country (or programme staff), once, when the grant
    is payable, never more than the grant."""
    _writable(request)
    proposal = get_partner_proposal_for(request.user, proposal_id, also=("grant",))
    grant = getattr(proposal, "grant", None)
    if grant is None:
        return Status(409, {"detail": _("This proposal has no grant to pay.")})
    try:
        paid = payments.record_payment(
            grant,
            actor=request.user,
            paid_on=payment.paid_on,
            amount=payment.amount,
            reference=payment.reference,
        )
    except AmountNotAllowed as refused:  # more than the grant, as the page says it
        return Status(400, {"errors": {"amount": [str(refused)]}})
    except payments.PaymentRefused as refused:
        return Status(400, {"errors": {refused.field or "__all__": [str(refused)]}})
    return Status(200, grant_facts(paid))
