"""Who may open the partner dashboard, and what they see there.

``partner_required`` and ``manager_required`` guard every dashboard view: an anonymous visitor is
sent to the login page, a signed-in person without a partner or programme role gets 403, and staff
must have set up two-factor authentication (TOTP) and passed it in this session. The querysets
below scope everything to the person's countries: a view fetches with ``get_object_or_404`` on
them, so another country's object answers 404 (healthchecks' ``_get_rw_check_for_user``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Proposal
from organisations.models import Organisation, PartnerStaff
from organisations.permissions import is_programme_staff

from .models import CountryProgramme

# --- Scope: the countries a person covers ------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The countries and partners a person works for; ``everywhere`` for programme staff."""

    everywhere: bool = False
    countries: frozenset[str] = frozenset()
    partner_ids: frozenset[int] = frozenset()
    managed_countries: frozenset[str] = frozenset()
    managed_partner_ids: frozenset[int] = frozenset()

    @property
    def any(self) -> bool:
        return self.everywhere or bool(self.countries or self.partner_ids)


def scope_of(user) -> Scope:
    """One query (none for programme staff), remembered on the user object for the request."""
    cached = getattr(user, "_grants_scope", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        scope = Scope()
    elif is_programme_staff(user):
        scope = Scope(everywhere=True)
    else:
        countries, partners, managed, managed_partners = set(), set(), set(), set()
        for row in PartnerStaff.objects.filter(user=user).select_related("partner"):
            codes = {country.code for country in row.partner.countries}
            countries |= codes
            partners.add(row.partner_id)
            if row.role == PartnerStaff.Role.MANAGER:
                managed |= codes
                managed_partners.add(row.partner_id)
        scope = Scope(
            countries=frozenset(countries),
            partner_ids=frozenset(partners),
            managed_countries=frozenset(managed),
            managed_partner_ids=frozenset(managed_partners),
        )
    if user is not None:
        user._grants_scope = scope
    return scope


def role_in(user, programme: CountryProgramme) -> str | None:
    """The person's role for this country programme: "manager", "reviewer" or None.

    The one place that decides it. Programme staff act as managers everywhere; partner staff
    for the programmes of their partner's countries and those their partner is named for.
    Answers from ``scope_of`` (one query per request, none for programme staff).
    """
    scope = scope_of(user)
    country, partner = str(programme.country), programme.partner_id
    if scope.everywhere or country in scope.managed_countries:
        return PartnerStaff.Role.MANAGER
    if partner in scope.managed_partner_ids:
        return PartnerStaff.Role.MANAGER
    if country in scope.countries or partner in scope.partner_ids:
        return PartnerStaff.Role.REVIEWER
    return None


def _programme_q(scope: Scope, prefix: str = "", *, managed: bool = False) -> Q | None:
    """A filter on a country programme (reached through ``prefix``), or None for everything.

    A partner covers the programmes of its countries and those it is named partner of, exactly
    as ``role_in`` decides who may act.
    """
    if scope.everywhere:
        return None
    countries = scope.managed_countries if managed else scope.countries
    partners = scope.managed_partner_ids if managed else scope.partner_ids
    return Q(**{f"{prefix}country__in": countries}) | Q(**{f"{prefix}partner_id__in": partners})


def visible_programmes(user) -> QuerySet[CountryProgramme]:
    """The country programmes the person may see: their partner's, or all for programme staff."""
    scope = scope_of(user)
    programmes = CountryProgramme.objects.all()
    if not scope.any:
        return programmes.none()
    q = _programme_q(scope)
    return programmes if q is None else programmes.filter(q)


def managed_programmes(user) -> QuerySet[CountryProgramme]:
    """The country programmes in which the person decides (manager role, or programme staff)."""
    scope = scope_of(user)
    programmes = CountryProgramme.objects.all()
    if not (scope.everywhere or scope.managed_countries or scope.managed_partner_ids):
        return programmes.none()
    q = _programme_q(scope, managed=True)
    return programmes if q is None else programmes.filter(q)


def visible_proposals(user) -> QuerySet[Proposal]:
    """Proposals of the person's countries, drafts excluded (a draft is the applicant's own)."""
    scope = scope_of(user)
    proposals = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    if not scope.any:
        return proposals.none()
    q = _programme_q(scope, "country_programme__")
    return proposals if q is None else proposals.filter(q)


def managed_proposals(user) -> QuerySet[Proposal]:
    """Proposals on which the person may decide (a subset of ``visible_proposals``)."""
    return visible_proposals(user).filter(country_programme__in=managed_programmes(user))


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations based in the person's countries, or that applied to one of its programmes."""
    scope = scope_of(user)
    organisations = Organisation.objects.all()
    if not scope.any:
        return organisations.none()
    if scope.everywhere:
        return organisations
    return organisations.filter(
        Q(country__in=scope.countries) | Q(pk__in=visible_proposals(user).values("organisation_id"))
    )


def get_proposal_for(user, pk) -> Proposal:
    """The proposal if the person may see it, else 404."""
    return get_object_or_404(
        visible_proposals(user).select_related(
            "organisation", "organisation__legal_form", "country_programme__edition"
        ),
        pk=pk,
    )


def get_programme_for(user, pk) -> CountryProgramme:
    return get_object_or_404(visible_programmes(user).select_related("edition"), pk=pk)


def get_organisation_for(user, pk) -> Organisation:
    return get_object_or_404(visible_organisations(user), pk=pk)


# --- Two-factor authentication -----------------------------------------------------------------


def second_factor_missing(request) -> str | None:
    """None when the person may go on; otherwise why not: "setup" or "verify".

    Staff must hold a TOTP authenticator, and this session must have passed it: allauth records
    an "mfa" step at login (and at reauthentication). An authenticator activated during this
    session counts too, since activating it means entering a valid code. In the local demo
    (DEBUG on) the demo accounts may skip it, so anyone can try the dashboard.
    """
    user = request.user
    if settings.DEBUG and getattr(user, "is_demo", False):
        return None
    totp = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        .only("created_at")
        .first()
    )
    if totp is None:
        return "setup"
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return None
    started = min((record.get("at", 0) for record in records), default=None)
    if started is not None and totp.created_at.timestamp() >= started:
        return None
    return "verify"


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _second_factor_redirect(request, missing: str):
    if missing == "setup":
        messages.warning(
            request,
            _(
                "The review dashboard needs two-factor authentication. Set up an authenticator "
                "app first; then open the dashboard again."
            ),
        )
        return redirect(_with_next(reverse("mfa_activate_totp"), request))
    messages.info(request, _("Enter a code from your authenticator app to open the dashboard."))
    return redirect(_with_next(reverse("mfa_reauthenticate"), request))


def second_factor_redirect(request):
    """Where to send a person who has not passed the second factor; None when they have."""
    missing = second_factor_missing(request)
    return _second_factor_redirect(request, missing) if missing else None


def _guard(allowed):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(user):
                raise PermissionDenied(_("This page is for national partner staff."))
            return second_factor_redirect(request) or view(request, *args, **kwargs)

        return wrapper

    return decorator


def _is_staff(user) -> bool:
    return scope_of(user).any


def _is_manager(user) -> bool:
    scope = scope_of(user)
    return scope.everywhere or bool(scope.managed_countries or scope.managed_partner_ids)


#: Partner staff (reviewers and managers) and programme staff, with two-factor passed.
partner_required = _guard(_is_staff)
#: Partner managers and programme staff, with two-factor passed.
manager_required = _guard(_is_manager)
