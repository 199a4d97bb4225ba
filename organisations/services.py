"""Actions on organisations: register, join, accept members, validate for an edition."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetandcode.kernel.exceptions import DomainError

from . import audit, hooks, selectors
from .audit import Action
from .models import (
    MemberInvitation,
    Membership,
    Organisation,
    OrganisationValidation,
    User,
    ValidationToken,
    new_invitation_token,
)
from .notifications import (
    address_language,
    notify_invitation,
    notify_join_declined,
    notify_validation,
)
from .permissions import may, require

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or typed by hand
VALIDATION_ACTIONS = {
    OrganisationValidation.Status.VALIDATED: Action.VALIDATION_VALIDATED,
    OrganisationValidation.Status.REFUSED: Action.VALIDATION_REFUSED,
}


class TokenNotValid(DomainError):
    pass


def register_organisation(*, owner, **fields) -> Organisation:
    """Create an organisation with the person registering it as its owner."""
    with transaction.atomic():
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.save()
        Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.OWNER)
        audit.record(organisation, actor=owner, action=Action.ORGANISATION_REGISTER)
    return organisation


def update_organisation(organisation: Organisation, *, actor, **fields) -> Organisation:
    """Change an organisation's details; the audit entry names the fields that changed."""
    require(actor, "organisation.own", organisation)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        locked.full_clean()
        locked.save()
        audit.record(
            locked, actor=actor, action=Action.ORGANISATION_UPDATE, data={"fields": changed}
        )
        if changed:
            transaction.on_commit(lambda: _organisation_changed(locked.pk, changed))
    return locked


def _organisation_changed(organisation_id: int, fields: list[str]) -> None:
    """Tell the apps above (grants reissues award letters in a new letter language)."""
    for listener in hooks.organisation_changed:
        listener(organisation_id, fields)


def request_to_join(organisation: Organisation, *, user) -> Membership:
    """Ask to act for an organisation; an owner accepts or declines."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"status": Membership.Status.REQUESTED, "role": Membership.Role.MEMBER},
        )
        if not created and membership.status == Membership.Status.REMOVED:
            # Declined or removed earlier: asking again opens a new request for the owners.
            membership.status = Membership.Status.REQUESTED
            membership.role = Membership.Role.MEMBER
            membership.save(update_fields=["status", "role"])
            created = True
        if created:
            audit.record(organisation, actor=user, action=Action.MEMBERSHIP_REQUEST)
    return membership


def accept_member(membership: Membership, *, actor) -> Membership:
    """An owner lets a person who asked to join act for the organisation."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status != Membership.Status.REQUESTED:
            raise DomainError(_("This person is already a member."))
        locked.status = Membership.Status.ACTIVE
        locked.save(update_fields=["status"])
        audit.record(
            locked.organisation,
            actor=actor,
            action=Action.MEMBERSHIP_ACCEPT,
            data={"user": locked.user_id},
        )
    return locked


def decline_member(membership: Membership, *, actor, reason: str = "") -> Membership:
    """An owner turns down a join request; the person who asked is told by e-mail."""
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update()
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
        if locked.status != Membership.Status.REQUESTED:
            raise DomainError(_("This request was already answered."))
        _require_owner(locked.organisation, actor)
        locked.status = Membership.Status.REMOVED
        locked.save(update_fields=["status"])
        audit.record(
            locked.organisation,
            actor=actor,
            action=Action.MEMBERSHIP_DECLINE,
            from_state=Membership.Status.REQUESTED,
            to_state=Membership.Status.REMOVED,
            message=reason,
            data={"user": locked.user_id},
        )
        notify_join_declined(locked, reason=reason)
    return locked


def invite_member(organisation: Organisation, *, actor, email: str) -> MemberInvitation:
    """An owner invites a person by e-mail. Inviting the same address again while an invitation
    is open (or expired) sends a fresh link with a new token and 14 more days."""
    email = email.strip().lower()
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_owner(locked, actor)
        already = locked.memberships.active(user__email__iexact=email)
        if already.exists():
            raise DomainError(_("%(email)s is already a member.") % {"email": email})
        invitation = (
            MemberInvitation.objects.select_for_update()
            .filter(organisation=locked, email=email, accepted_at__isnull=True, revoked=False)
            .first()
        )
        now = timezone.now()
        action = Action.INVITATION_REFRESH if invitation else Action.INVITATION_CREATE
        if invitation is None:
            invitation = MemberInvitation(organisation=locked, email=email)
        invitation.token = new_invitation_token()
        invitation.invited_by = actor
        invitation.expires_at = now + MemberInvitation.VALID_FOR
        invitation.save()
        audit.record(locked, actor=actor, action=action, data={"email": email})
        notify_invitation(invitation, language=address_language(email, sender=actor))
    return invitation


def accept_invitation(token: str, *, user) -> Membership:
    """The signed-in person accepts an invitation (its e-mail address need not be theirs) and
    becomes an active member. Accepting as a member already changes nothing."""
    with transaction.atomic():
        invitation = (
            MemberInvitation.objects.select_for_update()
            .select_related("organisation")
            .filter(token=token)
            .first()
        )
        if invitation is None:
            raise DomainError(_("This invitation link is not valid. Ask for a new invitation."))
        organisation = invitation.organisation
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation)
            .first()
        )
        if membership and membership.is_active:
            return membership
        check_invitation(invitation)
        if membership is None:
            membership = Membership(user=user, organisation=organisation)
        from_state = membership.status if membership.pk else ""
        membership.role = Membership.Role.MEMBER
        membership.status = Membership.Status.ACTIVE
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            organisation,
            actor=user,
            action=Action.INVITATION_ACCEPT,
            from_state=from_state,
            to_state=Membership.Status.ACTIVE,
            data={"email": invitation.email, "user": user.pk},
        )
    return membership


def revoke_invitation(invitation: MemberInvitation, *, actor) -> MemberInvitation:
    """An owner withdraws an open invitation: its link stops working."""
    with transaction.atomic():
        locked = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
        _require_owner(locked.organisation, actor)
        if locked.accepted_at is not None:
            raise DomainError(_("This invitation was already accepted."))
        if locked.revoked:
            return locked
        locked.revoked = True
        locked.save(update_fields=["revoked"])
        audit.record(
            locked.organisation,
            actor=actor,
            action=Action.INVITATION_REVOKE,
            data={"email": locked.email},
        )
    return locked


def check_invitation(invitation: MemberInvitation) -> None:
    if invitation.revoked:
        raise DomainError(
            _("This invitation was withdrawn. Ask an owner of %(name)s for a new one.")
            % {"name": invitation.organisation}
        )
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation was already used. Ask for a new one."))
    if invitation.is_expired:
        raise DomainError(
            _("This invitation has expired. Ask an owner of %(name)s to invite you again.")
            % {"name": invitation.organisation}
        )


def _require_owner(organisation: Organisation, actor) -> None:
    """The policy's "organisation.own", refused as a message the owner's page shows."""
    if not may(actor, "organisation.own", organisation):
        raise DomainError(_("Only an owner of the organisation can do this."))


def issue_validation_tokens(country_programme, *, actor, count: int = 1, email: str = ""):
    """Make ``count`` one-time tokens for organisations of this country programme."""
    require(actor, "programme.decide", country_programme)
    with transaction.atomic():
        tokens = [
            ValidationToken.objects.create(
                country_programme=country_programme,
                code=_new_code(),
                issued_by=actor,
                issued_to_email=email,
            )
            for _number in range(count)
        ]
        for token in tokens:
            audit.record(token, actor=actor, action=Action.TOKEN_ISSUE)
    return tokens


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _position in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalise_code(code: str) -> str:
    """Upper case, groups of four joined by dashes: what a person types becomes the stored code."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def redeem_validation_token(
    organisation: Organisation, code: str, *, actor, edition=None
) -> OrganisationValidation:
    """Validate an organisation for the token's edition. A token works once, in its country.

    With ``edition``, the token must belong to it (the page asks for this year's code). The token
    row is locked, so two people typing the same code at once cannot both use it.
    """
    require(actor, "organisation.act", organisation)
    with transaction.atomic():
        token = (
            ValidationToken.objects.select_for_update()
            .select_related("country_programme__edition")
            .filter(code=normalise_code(code))
            .first()
        )
        _check_token(token, organisation, edition)
        token.redeemed_by = organisation
        token.redeemed_at = timezone.now()
        token.save(update_fields=["redeemed_by", "redeemed_at"])
        validation = _set_validation(
            organisation,
            token.country_programme.edition,
            status=OrganisationValidation.Status.VALIDATED,
            method=OrganisationValidation.Method.TOKEN,
            token=token,
            actor=actor,
        )
    return validation


def _check_token(token, organisation, edition=None) -> None:
    if token is None:
        raise TokenNotValid(_("This code is not known. Check it against the partner's e-mail."))
    if token.redeemed_at is not None:
        raise TokenNotValid(
            _("This code has been used already. Ask your national partner for a new one.")
        )
    if token.country_programme.country != organisation.country:
        raise TokenNotValid(
            _("This code is for organisations in another country. Ask your national partner.")
        )
    token_edition = token.country_programme.edition
    if edition is not None and token_edition.pk != edition.pk:
        raise TokenNotValid(
            _("This code is for %(edition)s. Ask your national partner for this year's code.")
            % {"edition": token_edition}
        )
    if is_validated(organisation, token_edition):
        # Keep the code unused: the partner can give it to another organisation.
        raise TokenNotValid(_("Your organisation is validated already: you need no code."))


def request_manual_validation(organisation: Organisation, edition, *, actor):
    """Ask the national partner to check the organisation by hand.

    Asking twice changes nothing; after a refusal (the applicant has fixed what the partner named)
    it asks again.
    """
    require(actor, "organisation.act", organisation)
    requested = OrganisationValidation.Status.REQUESTED
    if not edition.country_programmes.filter(country=organisation.country).exists():
        raise DomainError(
            _("%(edition)s does not run in your organisation's country.") % {"edition": edition}
        )
    with transaction.atomic():
        validation, created = OrganisationValidation.objects.select_for_update().get_or_create(
            organisation=organisation, edition=edition
        )
        if is_validated(organisation, edition):
            raise DomainError(_("Your organisation is validated already."))
        from_state = "" if created else validation.status
        if validation.status == OrganisationValidation.Status.REFUSED:
            validation.status, validation.decided_by, validation.decided_at = requested, None, None
            validation.method = OrganisationValidation.Method.MANUAL
            validation.save(update_fields=["status", "decided_by", "decided_at", "method"])
        elif not created:
            return validation
        audit.record(
            organisation,
            actor=actor,
            action=Action.VALIDATION_REQUEST,
            from_state=from_state,
            to_state=requested,
        )
    return validation


def _set_validation(organisation, edition, *, status, method, actor, token=None, reason=""):
    validation, _created = OrganisationValidation.objects.select_for_update().get_or_create(
        organisation=organisation, edition=edition
    )
    from_state = validation.status
    validation.status, validation.method, validation.reason = status, method, reason
    validation.token = token or validation.token
    validation.decided_by = actor
    validation.decided_at = timezone.now()
    try:
        validation.save()
    except IntegrityError as exc:  # the same token tied to another validation
        raise TokenNotValid(_("This code has been used already.")) from exc
    audit.record(
        organisation,
        actor=actor,
        action=VALIDATION_ACTIONS[status],
        from_state=from_state,
        to_state=status,
        message=reason,
    )
    notify_validation(validation)
    return validation


def decide_validation(organisation, edition, *, actor, validated: bool, reason: str = ""):
    """A partner manager validates or refuses an organisation after a manual check."""
    require(actor, "programme.decide", _programme_of(organisation, edition))
    status = (
        OrganisationValidation.Status.VALIDATED
        if validated
        else OrganisationValidation.Status.REFUSED
    )
    if not validated and not reason.strip():
        raise DomainError(_("Say why the organisation is refused; the applicant will read it."))
    with transaction.atomic():
        return _set_validation(
            organisation,
            edition,
            status=status,
            method=OrganisationValidation.Method.MANUAL,
            actor=actor,
            reason=reason,
        )


def _programme_of(organisation: Organisation, edition):
    """The edition's programme in the organisation's country (None where it does not run)."""
    return edition.country_programmes.filter(country=organisation.country).first()


def is_validated(organisation: Organisation, edition) -> bool:
    """Whether the organisation may submit proposals in this edition: validated for it, or, in a
    country that keeps returning organisations validated, validated in an earlier edition and not
    refused in this one (``selectors.ValidationFacts.standing``)."""
    return bool(selectors.validation_facts(organisation, edition).standing)


def set_preferred_language(user: User, *, language: str, actor) -> User:
    """The language the person reads the site in after logging in, and their e-mails and
    letters in. Choosing the language they already have changes nothing."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(_("Choose one of the languages the site offers."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.language != language:
            audit.record(
                locked,
                actor=actor,
                action=Action.USER_LANGUAGE,
                from_state=locked.language,
                to_state=language,
            )
            locked.language = language
            locked.save(update_fields=["language"])
    user.language = language
    return locked


def update_account(
    user: User, *, actor, first_name: str, last_name: str, language: str
) -> tuple[User, list[str]]:
    """Change the person's name and preferred language (their account page). Only the person
    themselves does this here. Returns the user and the names of the fields that changed; an
    unchanged account writes no audit entry."""
    require(actor, "account.own", user)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError(_("Choose one of the languages the site offers."))
    fields = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "language": language,
    }
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {name: getattr(locked, name) for name in fields}
        changed = [name for name, value in fields.items() if before[name] != value]
        if changed:
            for name in changed:
                setattr(locked, name, fields[name])
            # Only what changed: a field an older version left odd must not block a new name.
            locked.clean_fields(
                exclude=[f.name for f in User._meta.fields if f.name not in changed]
            )
            locked.save(update_fields=changed)
            audit.record(
                locked,
                actor=actor,
                action=Action.ACCOUNT_UPDATE,
                from_state=before["language"],
                to_state=locked.language,
                data={"fields": changed},
            )
    for name, value in fields.items():
        setattr(user, name, value)
    return locked, changed


REMEMBERED_CHOICE_LENGTH = 1000  # characters: a query string of filters, not a document


def remember_choice(user: User, *, key: str, value: str) -> None:
    """Keep what the person last chose on a page that remembers it (the review queue's filters
    and order), for their next visit from any browser. Not audited: a way of looking at the
    data, not a change of it. Writes only when the choice differs from the kept one."""
    value = value[:REMEMBERED_CHOICE_LENGTH]
    if user.choices_remembered.get(key) == value:
        return
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "choices_remembered").get(pk=user.pk)
        locked.choices_remembered = {**locked.choices_remembered, key: value}
        locked.save(update_fields=["choices_remembered"])
    user.choices_remembered = locked.choices_remembered
