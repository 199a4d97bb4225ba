"""Who may see and change a proposal."""

from django.http import Http404

from organisations.models import Membership

from .models import Proposal

EDITABLE = frozenset({Proposal.Status.DRAFT, Proposal.Status.CHANGES_REQUESTED})


def get_proposal_for(user, pk) -> Proposal:
    """The proposal if the user is an active member of its organisation; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    proposal = (
        Proposal.objects.select_related("organisation", "country_programme__edition")
        .filter(
            pk=pk,
            organisation__memberships__user=user,
            organisation__memberships__status=Membership.Status.ACTIVE,
        )
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def can_edit(proposal: Proposal) -> bool:
    return proposal.status in EDITABLE


def can_withdraw(proposal: Proposal) -> bool:
    return proposal.status in {
        Proposal.Status.DRAFT,
        Proposal.Status.SUBMITTED,
        Proposal.Status.CHANGES_REQUESTED,
    }
