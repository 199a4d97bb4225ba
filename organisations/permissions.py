"""Who a person is in the programme: applicant, national partner staff, programme staff.

Plain functions, used by views, templates (through the context processor) and services alike.
Each answers with at most one query; ``roles_of`` answers all of them with at most two.
"""

from dataclasses import dataclass

from .models import Membership, PartnerStaff


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_programme_staff(user) -> bool:
    """Organising partners: configure the programme and see every country."""
    return _signed_in(user) and bool(user.is_programme_staff or user.is_superuser)


def partner_roles(user) -> frozenset[str]:
    """The roles (reviewer, manager) the person holds with any national partner."""
    if not _signed_in(user):
        return frozenset()
    return frozenset(PartnerStaff.objects.filter(user=user).values_list("role", flat=True))


def is_partner_staff(user) -> bool:
    """Works for a national partner, as reviewer or manager."""
    return bool(partner_roles(user))


def is_partner_manager(user) -> bool:
    """May decide on proposals within a country budget."""
    return PartnerStaff.Role.MANAGER in partner_roles(user)


def has_active_membership(user) -> bool:
    if not _signed_in(user):
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()


def is_applicant(user) -> bool:
    """Acts for a non-profit, or is a new sign-up without a staff role (who will create one)."""
    return roles_of(user).applicant


@dataclass(frozen=True)
class Roles:
    """Every role of one person at once."""

    signed_in: bool = False
    programme_staff: bool = False
    partner_staff: bool = False
    partner_manager: bool = False
    applicant: bool = False


def roles_of(user) -> Roles:
    """All of a person's roles with at most two queries (the page layout asks on every page)."""
    if not _signed_in(user):
        return Roles()
    programme = is_programme_staff(user)
    held = partner_roles(user)
    staff = programme or bool(held)
    # Someone with no staff role is an applicant even before their organisation exists: the
    # "My organisation" area is where they create it. Staff count as applicants only as members.
    return Roles(
        signed_in=True,
        programme_staff=programme,
        partner_staff=bool(held),
        partner_manager=PartnerStaff.Role.MANAGER in held,
        applicant=not staff or has_active_membership(user),
    )
