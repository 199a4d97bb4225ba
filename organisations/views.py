"""The "My organisation" area of an applicant: dashboard, register, join, validate.

Views stay thin: a fetch helper from selectors answers 404 for what the person may not see, a
form checks the input, a service does the change, and the person is redirected with a message.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetandcode.kernel.exceptions import DomainError
from meetandcode.kernel.languages import set_language_cookie
from meetandcode.kernel.ratelimit import ratelimit

from . import hooks, notifications, selectors, services
from .forms import (
    AccountForm,
    DeclineMemberForm,
    InviteMemberForm,
    JoinSearchForm,
    OrganisationForm,
    ValidationTokenForm,
    letter_language_choices_for,
    programme_countries,
)
from .models import MemberInvitation, Membership, Organisation, User, active_member_q


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's organisations with their validation state and next step, and join requests."""
    edition = selectors.current_edition()
    mine = selectors.my_organisations(request.user, edition)
    for membership in mine.memberships:
        organisation = membership.organisation
        facts = organisation.validation_facts
        organisation.next_step = selectors.next_step(
            edition,
            facts.validation_status if facts else None,
            facts,
            organisation.country.name,
        )
    context = {
        "edition": edition,
        "memberships": mine.memberships,
        "join_requests": mine.waiting_for_me,
        "own_requests": mine.mine,
        **hooks.dashboard_sections.merged(request.user, request.GET),  # grants: proposals
    }
    return render(request, "organisations/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_organisation(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:  # e.g. the same registration number, a moment earlier
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered and you are its owner. Next: get it validated.")
                % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
@require_GET
def legal_form_options(request: HttpRequest) -> HttpResponse:
    """Just the <option>s of the legal forms of ?country=, for htmx to swap into the select."""
    form = OrganisationForm(initial={"country": request.GET.get("country", "")[:2]})
    return render(
        request,
        "organisations/organisation_form.html#legal_form_options",
        {"choices": form.fields["legal_form"].choices},
    )


@login_required
@require_GET
def letter_language_options(request: HttpRequest) -> HttpResponse:
    """Just the <option>s of the award letters' language for ?country=, for htmx to swap into
    the select when the country changes; the choice sent along stays chosen if the country
    speaks it. An unknown country gets the "choose the country first" option only."""
    country = request.GET.get("country", "")[:2].upper()
    if country not in programme_countries():
        country = ""
    choices = letter_language_choices_for(country)
    selected = request.GET.get("letter_language", "")
    return render(
        request,
        "organisations/organisation_form.html#letter_language_options",
        {"choices": choices, "selected": selected if selected in dict(choices) else ""},
    )


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk)
    return _render_detail(request, organisation, ValidationTokenForm())


def _render_detail(
    request, organisation: Organisation, token_form, *, invite_form=None
) -> HttpResponse:
    edition = selectors.current_edition()
    validation = selectors.validation_for(organisation, edition)
    facts = selectors.validation_facts(organisation, edition) if edition else None
    is_owner = organisation.viewer_membership.role == Membership.Role.OWNER
    context = {
        "organisation": organisation,
        "is_owner": is_owner,
        "members": selectors.members_of(organisation),
        "join_requests": (
            selectors.join_requests_for_organisation(organisation) if is_owner else []
        ),
        "invitations": _open_invitations(organisation) if is_owner else [],
        "invite_form": invite_form or InviteMemberForm(),
        "decline_form": DeclineMemberForm(),
        "edition": edition,
        "programme": selectors.country_programme_for(organisation, edition),
        "validation": validation,
        "next_step": selectors.next_step(
            edition, validation.status if validation else None, facts, organisation.country.name
        ),
        "token_form": token_form,
        "iban_display": _grouped(organisation.iban),
    }
    return render(request, "organisations/organisation_detail.html", context)


def _grouped(iban: str) -> str:
    """An IBAN in groups of four, as printed on bank statements, to read and compare."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk, owner=True)
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        lock_country=selectors.country_is_locked(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    context = {"form": form, "organisation": organisation}
    return render(request, "organisations/organisation_form.html", context)


@login_required
@require_POST
@ratelimit("redeem_token", "20/h/ip,10/h/user")
def redeem_token(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk)
    form = ValidationTokenForm(request.POST)
    if form.is_valid():
        try:
            validation = services.redeem_validation_token(
                organisation,
                form.cleaned_data["code"],
                actor=request.user,
                edition=selectors.current_edition(),
            )
        except DomainError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is validated for %(edition)s. You can submit proposals.")
                % {"name": organisation.name, "edition": validation.edition},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    # Shown again with the code as typed and the reason next to the field.
    return _render_detail(request, organisation, form)


@login_required
@require_POST
def request_validation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk)
    edition = selectors.current_edition()
    try:
        if edition is None:
            raise DomainError(_("Applications are not open yet."))
        services.request_manual_validation(organisation, edition, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your national partner will check your organisation and write to you."),
        )
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """Search organisations by name and country; only name, city and country are shown."""
    form = JoinSearchForm(request.GET or None)
    results, states = None, {}
    if form.is_valid():
        results = selectors.search_organisations(
            form.cleaned_data["name"], form.cleaned_data["country"]
        )
        states = selectors.membership_states(request.user, results)
    for organisation in results or []:
        organisation.my_status = states.get(organisation.pk)
    context = {"form": form, "results": results, "limit": selectors.SEARCH_LIMIT}
    return render(request, "organisations/join.html", context)


@login_required
@require_POST
def request_join(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_to_join(pk)
    membership = services.request_to_join(organisation, user=request.user)
    if membership.is_active:
        messages.info(request, _("You are a member of %(name)s already.") % {"name": organisation})
        return redirect("organisations:detail", pk=organisation.pk)
    messages.success(
        request,
        _("You asked to join %(name)s. An owner of the organisation will accept you.")
        % {"name": organisation},
    )
    return redirect("organisations:mine")


@login_required
@require_POST
def accept_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_join_request_for_owner(request.user, pk)
    try:
        services.accept_member(membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(person)s can now act for %(name)s.")
            % {"person": membership.user, "name": membership.organisation},
        )
    return redirect(_safe_next(request) or "organisations:mine")


@login_required
@require_POST
def decline_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_join_request_for_owner(request.user, pk)
    form = DeclineMemberForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.decline_member(membership, actor=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You declined the request of %(person)s to join %(name)s. We let them know.")
            % {"person": membership.user, "name": membership.organisation},
        )
    return redirect(_safe_next(request) or "organisations:mine")


@login_required
@require_POST
def invite_member(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for(request.user, pk, owner=True)
    form = InviteMemberForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.invite_member(organisation, actor=request.user, email=email)
        except DomainError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("We sent an invitation to %(email)s. The link works for 14 days.")
                % {"email": email},
            )
            return redirect(reverse("organisations:detail", args=[pk]) + "#members-title")
    # Shown again with the address as typed and the reason next to the field.
    return _render_detail(request, organisation, ValidationTokenForm(), invite_form=form)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _get_invitation_for_owner(request.user, pk)
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
    url = reverse("organisations:detail", args=[invitation.organisation_id])
    return redirect(url + "#members-title")


@login_required
@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """What an invitation link opens: the organisation and an Accept button, or why not."""
    invitation = get_object_or_404(
        MemberInvitation.objects.select_related("organisation", "invited_by"), token=token
    )
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "is_member": Membership.objects.active(
            user=request.user, organisation=invitation.organisation
        ).exists(),
        "problem": _invitation_problem(invitation),
    }
    return render(request, "organisations/invitation.html", context)


@login_required
@require_POST
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        MemberInvitation.objects.select_related("organisation"), token=token
    )
    try:
        membership = services.accept_invitation(token, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("organisations:invitation", token=token)
    messages.success(
        request, _("You are now a member of %(name)s.") % {"name": invitation.organisation}
    )
    return redirect("organisations:detail", pk=membership.organisation_id)


def _invitation_problem(invitation: MemberInvitation) -> str:
    """Why the invitation cannot be accepted any more, in plain words; empty if it can."""
    try:
        services.check_invitation(invitation)
    except DomainError as exc:
        return str(exc)
    return ""


def _open_invitations(organisation: Organisation) -> list[MemberInvitation]:
    """Invitations not accepted nor withdrawn, newest first; expired ones are marked so."""
    return list(
        organisation.invitations.filter(accepted_at__isnull=True, revoked=False).order_by(
            "-created_at"
        )
    )


def _get_invitation_for_owner(user, pk: int) -> MemberInvitation:
    """An invitation of an organisation the person owns; else 404."""
    return get_object_or_404(
        MemberInvitation.objects.select_related("organisation"),
        active_member_q(user, prefix="organisation__memberships__", role=Membership.Role.OWNER),
        pk=pk,
    )


@login_required
@require_POST
def mark_notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all the person's notifications read; htmx swaps in the list, others go back."""
    notifications.mark_all_read(request.user)
    if request.htmx:
        return render(request, "partials/notifications.html")
    return redirect(_safe_next(request) or "organisations:mine")


def _safe_next(request: HttpRequest) -> str | None:
    """The page the button was on, when it is one of ours."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else None


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The person's account: name and preferred language here; e-mail, password, two-factor,
    their data and deleting the account one link away."""
    user = request.user
    form = AccountForm(request.POST or None, initial=_account_initial(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account(user, actor=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("language", str(exc))
        else:
            return _account_saved(request, form.cleaned_data["language"])
    context = {"form": form, **_account_security(user)}
    # Shown again with what was typed and each problem next to its field.
    return render(
        request, "organisations/account.html", context, status=400 if form.errors else 200
    )


def _account_initial(user: User) -> dict:
    return {"first_name": user.first_name, "last_name": user.last_name, "language": user.language}


def _account_security(user: User) -> dict:
    """What the account page says of the sign-in: is the address verified, is two-factor on."""
    return {
        "email_verified": EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists(),
        "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
    }


def _account_saved(request: HttpRequest, language: str) -> HttpResponse:
    """Back to the account page in the chosen language, which the interface keeps from now on."""
    with translation.override(language):
        messages.success(request, _("Your name and language are saved."))
        response = redirect(reverse("organisations:account"))
    set_language_cookie(response, language)
    return response
