"""What the proposal page's review and decision partials need, whatever view includes them.

``{% review_panel proposal request.user as panel %}`` in grants/_reviews.html and
``{% decision_panel proposal request.user as panel %}`` in grants/_decisions.html, so the
proposal page's view needs no knowledge of these partials.
"""

from django import template
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.models import REVIEWABLE, allows
from events.permissions import visible_proposals
from grants import services
from grants.forms import REJECTION_REASONS
from grants.models import IntegritySignal, Review, ReviewScore, SignalCheck
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
        "summary": services.summary_of(reviews),
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
    grant = getattr(proposal, "grant", None) if has_grant else None  # the page's, when read
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


# --- Integrity signals (grants.integrity), for partner staff only -------------------------------

WHAT_LABELS = {
    "iban": gettext_lazy("bank account"),
    "contact_name": gettext_lazy("contact person"),
    "contact_email": gettext_lazy("e-mail"),
    "phone": gettext_lazy("phone"),
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
}


@register.simple_tag
def signal_panel(proposal, user) -> dict:
    """The proposal's integrity signals, each with its one-line explanation, what it points at
    (what the person may see of it; the rest counted), and its check."""
    if not may(user, "proposal.review", proposal):
        return {"shown": False}
    signals = list(IntegritySignal.objects.filter(proposal=proposal).order_by("kind"))
    if not signals:  # most proposals: their checks, if any, have nothing to show against
        return {"shown": True, "rows": []}
    checks = {
        check.kind: check
        for check in SignalCheck.objects.filter(proposal=proposal).select_related("checked_by")
    }
    ids = {item["proposal"] for s in signals for item in s.related if item.get("proposal")}
    visible = {
        p.pk: p for p in visible_proposals(user).filter(pk__in=ids).select_related("organisation")
    }
    return {"shown": True, "rows": [_signal_row(s, checks.get(s.kind), visible) for s in signals]}


def _signal_row(signal, check, visible) -> dict:
    items = []
    for item in signal.related:
        other = visible.get(item.get("proposal"))
        if other is None:
            continue
        what = ", ".join(str(WHAT_LABELS.get(w, w)) for w in item.get("what", []))
        if "similarity" in item:
            what = f"{what}: {round(item['similarity'] * 100)} %"
        items.append({"proposal": other, "what": what})
    holds = check is not None and check.fingerprint == signal.fingerprint
    return {
        "kind": signal.kind,
        "label": signal.get_kind_display(),
        "line": _explanation(signal),
        "items": items,
        "elsewhere": signal.related_count - len(items),
        "check": check if holds else None,
        "earlier_check": check if check is not None and not holds else None,
    }


def _explanation(signal) -> str:
    n = signal.related_count
    kind = IntegritySignal.Kind
    if signal.kind == kind.BANK_ACCOUNT:
        return ngettext(
            "The same bank account (IBAN) as %(n)s other organisation.",
            "The same bank account (IBAN) as %(n)s other organisations.",
            n,
        ) % {"n": n}
    if signal.kind == kind.CONTACT:
        return ngettext(
            "The same contact person, e-mail or phone as %(n)s other organisation.",
            "The same contact person, e-mail or phone as %(n)s other organisations.",
            n,
        ) % {"n": n}
    if signal.kind == kind.SIMILAR_TEXT:
        return ngettext(
            "A title or description nearly identical to %(n)s proposal of another organisation.",
            "A title or description nearly identical to %(n)s proposals of other organisations.",
            n,
        ) % {"n": n}
    if signal.kind == kind.VENUE_OVERLAP:
        return ngettext(
            "At the same venue as %(n)s other proposal, at overlapping times.",
            "At the same venue as %(n)s other proposals, at overlapping times.",
            n,
        ) % {"n": n}
    return _limit_explanation(signal.detail)


def _limit_explanation(detail: dict) -> str:
    counts, limits = detail.get("counts", {}), detail.get("limits", {})
    lines = []
    if "proposals" in detail.get("over", []):
        lines.append(
            _(
                "The organisation has %(count)s proposals in this country and edition; "
                "the country's limit is %(limit)s."
            )
            % {"count": counts.get("proposals"), "limit": limits.get("proposals")}
        )
    if "funded" in detail.get("over", []):
        lines.append(
            _(
                "The organisation has %(count)s funded events in this country and edition; "
                "the country's limit is %(limit)s."
            )
            % {"count": counts.get("funded"), "limit": limits.get("funded")}
        )
    return " ".join(lines)
