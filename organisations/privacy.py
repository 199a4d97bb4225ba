"""Privacy (GDPR): a person's data export, account deletion, retention, consent and read logging.

Services here follow the rest of the app: no ``request`` parameter (except ``log_staff_read``,
which is called from views), ``transaction.atomic`` and an audit entry for every change.
"""

import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetandcode.kernel.languages import path_without_language

from . import audit, hooks
from .audit import Action
from .models import (
    AuditEntry,
    Consent,
    MemberInvitation,
    Membership,
    Notification,
    Organisation,
    User,
    ValidationToken,
    active_member_q,
)
from .permissions import active_organisation_ids


def notice_version() -> str:
    return settings.PRIVACY_NOTICE_VERSION


# --- Export --------------------------------------------------------------------------------


def exported_fields(obj, exclude: tuple[str, ...] = ()) -> dict:
    """Every concrete field of a row, foreign keys as ids, ready for JSON."""
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = field.value_from_object(obj)
        row[field.attname if field.is_relation else field.name] = value
    return json.loads(json.dumps(row, cls=DjangoJSONEncoder, default=str))


def export_personal_data(user) -> dict:
    """Everything the programme holds about a person, as one JSON-ready dict."""
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    organisation_ids = [m.organisation_id for m in memberships if m.is_active]
    return {
        "exported_at": timezone.now().isoformat(),
        "account": exported_fields(user, exclude=("password",)),
        "memberships": [
            {
                "organisation": m.organisation_id,
                "organisation_name": m.organisation.name,
                "role": m.role,
                "status": m.status,
                "created_at": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "organisations": [
            exported_fields(org) for org in Organisation.objects.filter(pk__in=organisation_ids)
        ],
        "invitations": [
            exported_fields(i, exclude=("token",))
            for i in MemberInvitation.objects.filter(email__iexact=user.email)
        ],
        "notifications": [
            exported_fields(n, exclude=("recipient",))
            for n in Notification.objects.filter(recipient=user)
        ],
        "audit_entries": [_entry(e) for e in AuditEntry.objects.filter(actor=user)],
        "consents": [
            exported_fields(c, exclude=("user",)) for c in Consent.objects.filter(user=user)
        ],
        "reads_by_staff": _reads(organisation_ids),
        **hooks.export_sections.merged(user, organisation_ids),
    }


def _entry(entry: AuditEntry) -> dict:
    return {
        "created_at": entry.created_at.isoformat(),
        "action": entry.action,
        "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "object_id": entry.object_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "message": entry.message,
        "data": entry.data,
    }


def _reads(organisation_ids: list[int]) -> list[dict]:
    """Who among partner and programme staff opened the organisations' applicant data."""
    reads = AuditEntry.objects.filter(
        action=Action.DATA_READ, data__organisation_id__in=organisation_ids
    ).select_related("actor", "content_type")
    return [
        {
            "read_at": entry.created_at.isoformat(),
            "by": str(entry.actor) if entry.actor else "",
            "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object_id": entry.object_id,
        }
        for entry in reads
    ]


# --- Staff reads ---------------------------------------------------------------------------


def _organisation_id(target) -> int | None:
    for path in ("organisation_id", "proposal.organisation_id", "report.proposal.organisation_id"):
        value = target
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    return None


def log_staff_read(request, target) -> None:
    """Record that partner or programme staff opened an applicant's data (not the applicant)."""
    user = request.user
    organisation_id = _organisation_id(target)
    if organisation_id in active_organisation_ids(user):
        return
    audit.record(
        target, actor=user, action=Action.DATA_READ, data={"organisation_id": organisation_id}
    )


# --- Account deletion ----------------------------------------------------------------------


def _json_containing(model, field: str, text: str):
    return model.objects.annotate(_text=Cast(field, models.TextField())).filter(
        _text__icontains=text
    )


def _scrub_json(rows, field: str, old: str, new: str) -> None:
    for row in rows:
        text = json.dumps(getattr(row, field))
        setattr(row, field, json.loads(_replace_ci(text, old, new)))
        row.save(update_fields=[field])


def _scrub_text(model, field: str, old: str, new: str) -> None:
    for row in model.objects.filter(**{f"{field}__icontains": old}):
        value = getattr(row, field)
        setattr(row, field, _replace_ci(value, old, new))
        row.save(update_fields=[field])


def _replace_ci(text: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, text, flags=re.IGNORECASE)


def _neutral_contact(organisation: Organisation) -> None:
    organisation.contact_name = _("Contact person left (account deleted)")[:120]
    organisation.contact_email = settings.PRIVACY_NEUTRAL_CONTACT_EMAIL
    organisation.phone = ""
    organisation.save(update_fields=["contact_name", "contact_email", "phone", "updated_at"])


def _release_organisations(user, old_email: str) -> None:
    """Organisations stay (their grants are accounting records); their contact is neutralised
    where the person was the last owner or is still named as the contact."""
    owned = Membership.objects.active(user=user, role=Membership.Role.OWNER)
    for membership in owned.select_related("organisation"):
        others = Membership.objects.active(
            organisation=membership.organisation, role=Membership.Role.OWNER
        ).exclude(user=user)
        if not others.exists():
            _neutral_contact(membership.organisation)
    for organisation in Organisation.objects.filter(contact_email__iexact=old_email):
        _neutral_contact(organisation)


def _end_sessions(user) -> None:
    # The unusable password also invalidates every session's auth hash; this removes the rows.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def delete_account(user, *, actor) -> None:
    """Erase or pseudonymise a person: grants, payments and reports stay, without the person."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        old_email = user.email
        placeholder = f"deleted-{user.pk}@invalid"
        if old_email == placeholder:
            return  # done already
        _release_organisations(user, old_email)
        Membership.objects.filter(user=user).delete()
        user.partner_roles.all().delete()
        Notification.objects.filter(recipient=user).delete()
        Notification.objects.filter(email__iexact=old_email).delete()  # invitations sent to it
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Consent.objects.filter(user=user).update(ip=None)
        MemberInvitation.objects.filter(email__iexact=old_email).update(email=placeholder)
        ValidationToken.objects.filter(issued_to_email__iexact=old_email).update(issued_to_email="")
        AuditEntry.objects.filter(actor=user).update(actor=None)
        _scrub_text(AuditEntry, "message", old_email, placeholder)
        _scrub_json(_json_containing(AuditEntry, "data", old_email), "data", old_email, placeholder)
        _scrub_json(
            _json_containing(Notification, "context", old_email), "context", old_email, placeholder
        )
        user.email = placeholder
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.is_programme_staff = False
        user.set_unusable_password()
        user.save()
        _end_sessions(user)
        audit.record(
            user,
            actor=None if actor is None or actor.pk == user.pk else actor,
            action=Action.ACCOUNT_DELETE,
        )


# --- Retention -----------------------------------------------------------------------------


def _inactive_without_role(cutoff: datetime):
    return (
        User.objects.filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff),
            is_staff=False,
            is_superuser=False,
            is_programme_staff=False,
            is_demo=False,
        )
        .exclude(email__endswith="@invalid")
        .exclude(partner_roles__isnull=False)
        .exclude(active_member_q(prefix="memberships__"))
        .distinct()
    )


def purge_old_data(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Remove what the programme no longer needs RETENTION_DAYS after an edition's events.

    Drafts go; withdrawn and rejected proposals lose their free text; old notifications, expired
    invitations and unused tokens go; accounts unused that long and without a role are
    pseudonymised. Grants, payments and accepted reports' numbers stay. Safe to run again.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS if days is None else days)
    counts = {}
    with transaction.atomic():
        for step in hooks.purge_steps:  # events: old drafts and refused proposals' free text
            counts.update(step(cutoff))
        counts["notifications_deleted"] = Notification.objects.filter(
            created_at__lt=cutoff
        ).delete()[0]
        counts["invitations_deleted"] = MemberInvitation.objects.filter(
            expires_at__lt=cutoff
        ).delete()[0]
        old_tokens = ValidationToken.objects.filter(
            country_programme__edition__event_end__lt=cutoff.date()
        )
        counts["tokens_deleted"] = old_tokens.filter(redeemed_by__isnull=True).delete()[0]
        old_tokens.exclude(issued_to_email="").update(issued_to_email="")
    accounts = list(_inactive_without_role(cutoff))
    for user in accounts:
        delete_account(user, actor=None)
    counts["accounts_pseudonymised"] = len(accounts)
    return counts


# --- Consent -------------------------------------------------------------------------------


def record_consent(user, *, ip: str | None, version: str | None = None) -> Consent:
    """The person accepted the privacy notice in this version (once per version)."""
    version = version or notice_version()
    with transaction.atomic():
        consent, created = Consent.objects.get_or_create(
            user=user,
            document=Consent.Document.PRIVACY,
            version=version,
            defaults={"ip": ip or None},
        )
        if created:
            audit.record(
                consent, actor=user, action=Action.CONSENT_ACCEPT, data={"version": version}
            )
    return consent


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def needs_new_consent(user) -> bool:
    """A person who accepted an earlier version of the notice must accept the current one.

    Accounts from before consent was recorded (no record at all) are not stopped: they were
    informed under the earlier terms; they may accept on the privacy page at any time.
    """
    consents = Consent.objects.filter(user=user, document=Consent.Document.PRIVACY)
    versions = set(consents.values_list("version", flat=True))
    return bool(versions) and notice_version() not in versions


def check_consent_at_login(sender, request, user, **kwargs) -> None:
    """At login: remember in the session that the person accepted the current notice (or never
    gave consent before it was recorded), so ``ConsentMiddleware`` asks nothing of the database."""
    if request is not None and hasattr(request, "session") and not needs_new_consent(user):
        request.session[ConsentMiddleware.SESSION_KEY] = notice_version()


class ConsentMiddleware:
    """Ask a signed-in person to accept a new version of the privacy notice before going on."""

    EXEMPT = (
        "/accounts/",
        "/privacy/",
        "/my/account/",
        "/admin/",
        "/static/",
        "/i18n/",
        "/healthz",
    )
    SESSION_KEY = "privacy_notice_ok"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(self.SESSION_KEY) == notice_version():
            return self.get_response(request)  # checked already in this session
        user = getattr(request, "user", None)
        path = path_without_language(request.path)  # "/de/accounts/..." is exempt too
        if user is not None and user.is_authenticated and not path.startswith(self.EXEMPT):
            if needs_new_consent(user):
                url = reverse("organisations:accept_privacy")
                return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
            request.session[self.SESSION_KEY] = notice_version()
        return self.get_response(request)
