"""Who may see and change a proposal: its organisation's members (``get_proposal_for``), and
partner and programme staff within their scope (``visible_proposals`` and the rest, built on
``organisations.permissions.scope_of``)."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership
from organisations.permissions import managed_programmes, may, programme_q, rule, scope_of

from .models import EDITABLE, Proposal, allows

# --- The policy's rules about proposals (organisations.permissions.may asks them) -------------


@rule("proposal.act", _("Only the organisation's members may do this."))
def _acts_for(user, proposal: Proposal) -> bool:
    """An active member of the proposal's organisation (its drafts, report, receipt)."""
    return Membership.objects.active(user=user, organisation_id=proposal.organisation_id).exists()


@rule("proposal.review", _("Only the national partner's staff may review this proposal."))
def _reviews(user, proposal: Proposal) -> bool:
    return may(user, "programme.review", proposal.country_programme)


@rule("proposal.decide", _("Only a manager of the national partner may decide."))
def _decides(user, proposal: Proposal) -> bool:
    return may(user, "programme.decide", proposal.country_programme)


@rule("library.edit", _("Only partner and programme staff edit the inspiration library."))
def _edits_library(user, _obj) -> bool:
    return may(user, "partner_pages.open")


def get_proposal_for(user, pk) -> Proposal:
    """The proposal if the user is an active member of its organisation; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    proposal = (
        Proposal.objects.select_related("organisation", "country_programme__edition")
        .of_member(user)
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def can_edit(proposal: Proposal) -> bool:
    return proposal.status in EDITABLE


def can_withdraw(proposal: Proposal) -> bool:
    return allows(proposal.status, "withdraw")


# --- Partner and programme staff -----------------------------------------------------------


def visible_proposals(user) -> QuerySet[Proposal]:
    """Proposals of the person's countries, drafts excluded (a draft is the applicant's own)."""
    scope = scope_of(user)
    proposals = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    if not scope.any:
        return proposals.none()
    q = programme_q(scope, "country_programme__")
    return proposals if q is None else proposals.filter(q)


def managed_proposals(user) -> QuerySet[Proposal]:
    """Proposals on which the person may decide (a subset of ``visible_proposals``)."""
    return visible_proposals(user).filter(country_programme__in=managed_programmes(user))


def get_partner_proposal_for(user, pk, also: tuple[str, ...] = ()) -> Proposal:
    """The proposal if the person may see it as partner or programme staff, else 404; ``also``:
    more one-to-one relations to read in the same query (the proposal page's grant, report)."""
    return get_object_or_404(
        visible_proposals(user).select_related(
            "organisation", "organisation__legal_form", "country_programme__edition", *also
        ),
        pk=pk,
    )


def get_partner_proposal_heading(user, pk) -> Proposal:
    """The same check, reading only the title and the organisation's id (a page whose body is
    kept needs no more)."""
    return get_object_or_404(visible_proposals(user).only("title", "organisation_id"), pk=pk)
