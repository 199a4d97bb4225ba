"""What the proposal page's review and decision partials need, whatever view includes them.

``{% review_panel proposal request.user as panel %}`` in grants/_reviews.html and
``{% decision_panel proposal request.user as panel %}`` in grants/_decisions.html, so the
proposal page's view needs no knowledge of these partials.
"""

from django import template
from django.db.models import Prefetch

from events.models import REVIEWABLE, allows
from grants import services
from grants.forms import REJECTION_REASONS
from grants.models import Grant, Review, ReviewScore
from organisations.permissions import may, role_in

register = template.Library()


@register.simple_tag
def review_panel(proposal, user) -> dict:
    programme = proposal.country_programme
    role = role_in(user, programme)
    reviews = list(
        Review.objects.filter(proposal=proposal)
        .select_related("reviewer")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
        .order_by("created_at")
    )
    own = next((r for r in reviews if r.reviewer_id == user.pk), None)
    given = {score.criterion_id: score.score for score in own.scores.all()} if own else {}
    criteria = list(programme.edition.criteria.all())
    return {
        "role": role,
        "reviews": reviews,
        "own": own,
        "summary": services.review_summary(proposal),
        "can_review": may(user, "proposal.review", proposal) and proposal.status in REVIEWABLE,
        "rows": [(criterion, given.get(criterion.pk)) for criterion in criteria],
        "scale": range(1, 6),
        "comments": list(proposal.comments.select_related("author")),
    }


@register.simple_tag
def decision_panel(proposal, user) -> dict:
    programme = proposal.country_programme
    is_manager = may(user, "proposal.decide", proposal)
    status = proposal.status
    # A grant exists once approved; it can be cancelled then (TRANSITIONS decides, not here).
    has_grant = allows(status, "cancel")
    grant = Grant.objects.filter(proposal=proposal).first() if has_grant else None
    return {
        "is_manager": is_manager,
        "programme": programme,
        "can_request_changes": is_manager and allows(status, "request_changes"),
        "can_approve": is_manager and allows(status, "approve"),
        "can_reject": is_manager and allows(status, "reject"),
        "can_cancel": is_manager and allows(status, "cancel"),
        "grant": grant,
        "default_amount": min(proposal.requested_amount, programme.max_grant),
        "reasons": REJECTION_REASONS,
    }
