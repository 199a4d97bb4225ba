"""The one policy: who a person is in the programme, and what they may do.

- ``may(user, action, obj)`` answers "may this person do this to this object?" for every
  surface: views (``partner_required`` and ``manager_required`` ask it, with the second factor),
  services (``require(...)``, the guard at the top of each), templates (``{% may %}``, in
  ``organisations/templatetags/policy.py``), the admin and downloads. Each app defines the rules
  about its own objects with ``@rule``: organisations and programmes here, proposals and the
  library in events.permissions. Who may act is decided here; when (in which state) is decided by
  the state machine (``events.models.TRANSITIONS``).
- Roles (``roles_of``): applicant, national partner staff, programme staff, decided once per
  person and request.
- Scope (``scope_of``, ``role_in``): the countries and partners a member of staff covers, and
  their role ("reviewer" or "manager") for one country programme; ``visible_programmes`` and
  ``managed_programmes`` (and events.permissions' proposal scopes) filter querysets by it.
- The second factor for every staff surface (``second_factor_missing``): the partner pages,
  award letters and the admin all ask here.

Each answer costs at most one query, remembered for the request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import CountryProgramme

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
    """May decide on proposals within a country budget: a partner's manager, or programme staff
    (who decide everywhere, as ``scope_of`` and ``role_in`` say)."""
    return roles_of(user).partner_manager


def active_organisation_ids(user) -> frozenset[int]:
    """The organisations the person acts for: one query, remembered on the user object for the
    request (the layout asks, and so does the log of staff reads on the same page)."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, "_active_organisation_ids", None)
    if cached is None:
        memberships = Membership.objects.active(user=user)
        cached = frozenset(memberships.values_list("organisation_id", flat=True))
        user._active_organisation_ids = cached
    return cached


def has_active_membership(user) -> bool:
    return bool(active_organisation_ids(user))


def is_applicant(user) -> bool:
    """Acts for a non-profit, or is a new sign-up without a staff role (who will create one)."""
    return roles_of(user).applicant


@dataclass(frozen=True)
class Roles:
    """Every role of one person at once."""

    signed_in: bool = False
    programme_staff: bool = False
    partner_staff: bool = False
    partner_manager: bool = False  # decides somewhere: a partner's manager, or programme staff
    applicant: bool = False
    # edits messages somewhere (the rule "message_text.edit" with no country, from this query)
    message_editor: bool = False


def roles_of(user) -> Roles:
    """All of a person's roles with at most two queries (the page layout asks on every page)."""
    if not _signed_in(user):
        return Roles()
    programme = is_programme_staff(user)
    rows = [(row.role, row.partner.may_edit_messages) for row in _staff_rows(user)]
    held = frozenset(role for role, _allowed in rows)
    staff = programme or bool(held)
    manager = PartnerStaff.Role.MANAGER
    # Someone with no staff role is an applicant even before their organisation exists: the
    # "My organisation" area is where they create it. Staff count as applicants only as members.
    return Roles(
        signed_in=True,
        programme_staff=programme,
        partner_staff=bool(held),
        partner_manager=programme or manager in held,
        applicant=not staff or has_active_membership(user),
        message_editor=programme or any(role == manager and ok for role, ok in rows),
    )


# --- Scope: the countries a person covers ------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The countries and partners a person works for; ``everywhere`` for programme staff."""

    everywhere: bool = False
    countries: frozenset[str] = frozenset()
    partner_ids: frozenset[int] = frozenset()
    managed_countries: frozenset[str] = frozenset()
    managed_partner_ids: frozenset[int] = frozenset()
    # The countries whose messages the person may edit: a manager of a partner programme staff
    # allowed to (Partner.may_edit_messages).
    message_countries: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.everywhere or bool(self.countries or self.partner_ids)

    @property
    def decides(self) -> bool:
        """Decides somewhere: programme staff, or a manager of some partner."""
        return self.everywhere or bool(self.managed_countries or self.managed_partner_ids)


def _staff_rows(user) -> list[PartnerStaff]:
    """The person's partner roles with their partners: one query, remembered on the user object
    for the request, read by both ``scope_of`` and ``roles_of`` (the guard and the layout)."""
    cached = getattr(user, "_grants_staff_rows", None)
    if cached is None:
        cached = list(PartnerStaff.objects.filter(user=user).select_related("partner"))
        user._grants_staff_rows = cached
    return cached


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
        messages = set()
        for row in _staff_rows(user):
            codes = {country.code for country in row.partner.countries}
            countries |= codes
            partners.add(row.partner_id)
            if row.role == PartnerStaff.Role.MANAGER:
                managed |= codes
                managed_partners.add(row.partner_id)
                if row.partner.may_edit_messages:
                    messages |= codes
        scope = Scope(
            countries=frozenset(countries),
            partner_ids=frozenset(partners),
            managed_countries=frozenset(managed),
            managed_partner_ids=frozenset(managed_partners),
            message_countries=frozenset(messages),
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


def programme_q(scope: Scope, prefix: str = "", *, managed: bool = False) -> Q | None:
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
    q = programme_q(scope)
    return programmes if q is None else programmes.filter(q)


def managed_programmes(user) -> QuerySet[CountryProgramme]:
    """The country programmes in which the person decides (manager role, or programme staff)."""
    scope = scope_of(user)
    programmes = CountryProgramme.objects.all()
    if not scope.decides:
        return programmes.none()
    q = programme_q(scope, managed=True)
    return programmes if q is None else programmes.filter(q)


# --- The one entry point: may and require ------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    test: Callable[[Any, Any], bool]  # (person, object) -> allowed
    refusal: str  # said to a person refused (lazy, worded in the page's language)


_RULES: dict[str, Rule] = {}


def rule(action: str, refusal: str) -> Callable:
    """Register the test deciding ``action`` ("proposal.decide", ...), in the module of the
    objects it is about (a decorator; each action once)."""

    def register(test: Callable[[Any, Any], bool]) -> Callable:
        if action in _RULES and _RULES[action].test is not test:
            raise ValueError(f"The rule {action!r} is defined twice")
        _RULES[action] = Rule(test, refusal)
        return test

    return register


def may(user, action: str, obj=None) -> bool:
    """May this person do ``action`` to ``obj``? The one question every view, service,
    template, admin page and download asks (an unknown action is a programming error)."""
    return _signed_in(user) and _RULES[action].test(user, obj)


def require(user, action: str, obj=None) -> None:
    """The guard at the top of a service: PermissionDenied, with the rule's words, unless
    ``may``."""
    if not may(user, action, obj):
        raise PermissionDenied(_RULES[action].refusal)


def actions() -> list[str]:
    """Every action a rule decides (for the permission matrix and the docs)."""
    return sorted(_RULES)


@rule("account.own", gettext_lazy("Only the person themselves changes their account."))
def _own_account(user, account) -> bool:
    return account is not None and account.pk == user.pk


@rule("organisation.act", gettext_lazy("Only the organisation's members may do this."))
def _member(user, organisation) -> bool:
    return Membership.objects.active(user=user, organisation=organisation).exists()


@rule("organisation.own", gettext_lazy("Only an owner of the organisation can do this."))
def _owner(user, organisation) -> bool:
    owner = Membership.Role.OWNER
    return Membership.objects.active(user=user, organisation=organisation, role=owner).exists()


@rule(
    "programme.review", gettext_lazy("Only the national partner's staff may review this proposal.")
)
def _reviews(user, programme) -> bool:
    return programme is not None and role_in(user, programme) is not None


@rule("programme.decide", gettext_lazy("Only a manager of the national partner may decide."))
def _decides(user, programme) -> bool:
    return programme is not None and role_in(user, programme) == PartnerStaff.Role.MANAGER


@rule("programme.configure", gettext_lazy("Only programme staff may change the programme."))
def _configures(user, _obj) -> bool:
    return is_programme_staff(user)


@rule("partner_pages.open", gettext_lazy("This page is for national partner staff."))
def _opens_partner_pages(user, _obj) -> bool:
    return scope_of(user).any


@rule(
    "country_pages.edit_own",
    gettext_lazy("Only a national partner's staff edit its country pages."),
)
def _edits_own_country_pages(user, _obj) -> bool:
    """Partner staff edit their own countries' pages in the admin (programme staff edit every
    country's through Django's own permissions)."""
    scope = scope_of(user)
    return scope.any and not scope.everywhere


@rule("partner_pages.decide", gettext_lazy("This page is for national partner staff."))
def _decides_somewhere(user, _obj) -> bool:
    return scope_of(user).decides


@rule(
    "message_text.edit",
    gettext_lazy("Only programme staff, or a partner they allow, change the messages."),
)
def _edits_messages(user, country) -> bool:
    """Programme staff edit every text; a partner's managers, where programme staff allow it,
    their own countries' (``country`` is a code; empty: every country's)."""
    scope = scope_of(user)
    if country is None:  # may the person edit any text at all (the editor's pages)
        return scope.everywhere or bool(scope.message_countries)
    return scope.everywhere or (bool(country) and str(country) in scope.message_countries)


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


def _guard(action: str):
    """A view decorator: signed in (else the login page), ``may(user, action)`` (else 403), and
    the second factor passed in this session (else set it up or enter a code, and come back)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, action)
            return second_factor_redirect(request) or view(request, *args, **kwargs)

        return wrapper

    return decorator


#: Partner staff (reviewers and managers) and programme staff, with two-factor passed.
partner_required = _guard("partner_pages.open")
#: Partner managers and programme staff, with two-factor passed.
manager_required = _guard("partner_pages.decide")
#: Programme staff only, with two-factor passed.
programme_staff_required = _guard("programme.configure")
#: Programme staff, and the managers of partners allowed to edit their messages.
message_editor_required = _guard("message_text.edit")
