"""People, organisations, national partners, validation, the audit log and notifications."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .validators import validate_iban


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_programme_staff=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with an e-mail address; there is no username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_programme_staff = models.BooleanField(
        _("programme staff"),
        default=False,
        help_text=_("Organising partners: see and configure every country."),
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("A fixed demo login: refused when DEBUG is off.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self):
        return self.get_full_name() or self.email


class LegalForm(models.Model):
    """A non-profit legal form valid in one country, e.g. ASBL in Luxembourg."""

    country = CountryField(_("country"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="legalform_unique_per_country")
        ]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A non-profit that applies for grants."""

    name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("legal form"),
    )
    registration_number = models.CharField(_("registration number"), max_length=60)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("town or city"), max_length=100)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank_account_holder = models.CharField(_("bank account holder"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validate_iban])
    description = models.TextField(_("short description"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"], name="organisation_unique_registration"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.legal_form_id and self.country and self.legal_form.country != self.country:
            raise ValidationError(
                {
                    "legal_form": _(
                        "Choose a legal form that is valid in the organisation's country."
                    )
                }
            )


class Membership(models.Model):
    """A person acting for an organisation. A join request waits until an owner accepts it."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REQUESTED = "requested", _("Asked to join")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


def new_invitation_token() -> str:
    """An unguessable token for an invitation link."""
    return secrets.token_urlsafe(32)


class MemberInvitation(models.Model):
    """An owner's invitation, by e-mail, to act for an organisation. Valid for 14 days."""

    VALID_FOR = timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and organisation: inviting again refreshes it.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked=False),
                name="invitation_one_open",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and not self.revoked and not self.is_expired


class Partner(models.Model):
    """A national partner: validates organisations and decides on proposals in its countries."""

    name = models.CharField(_("name"), max_length=200)
    countries = CountryField(_("countries"), multiple=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    contact_phone = models.CharField(_("public contact phone"), max_length=40, blank=True)

    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PartnerStaff", related_name="partners"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerStaff(models.Model):
    """A person working for a national partner, covering the partner's countries."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_roles"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=10, choices=Role, default=Role.REVIEWER)

    class Meta:
        verbose_name_plural = "partner staff"
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="partnerstaff_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["reviewer", "manager"]), name="partnerstaff_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.partner})"


class ValidationToken(models.Model):
    """A one-time code a national partner issues; redeeming it validates an organisation."""

    country_programme = models.ForeignKey(
        "grants.CountryProgramme", on_delete=models.CASCADE, related_name="validation_tokens"
    )
    code = models.CharField(max_length=32, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_to_email = models.EmailField(blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    redeemed_by = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(redeemed_by__isnull=True, redeemed_at__isnull=True)
                | Q(redeemed_by__isnull=False, redeemed_at__isnull=False),
                name="token_redeemed_consistently",
            )
        ]

    def __str__(self):
        return self.code


class OrganisationValidation(models.Model):
    """An organisation's validation for one edition, by token or by a partner's manual check."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Manual check requested")
        VALIDATED = "validated", _("Validated")
        REFUSED = "refused", _("Refused")

    class Method(models.TextChoices):
        TOKEN = "token", _("Validation token")
        MANUAL = "manual", _("Manual check")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="validations"
    )
    edition = models.ForeignKey(
        "grants.Edition", on_delete=models.CASCADE, related_name="organisation_validations"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.REQUESTED)
    method = models.CharField(max_length=10, choices=Method, default=Method.MANUAL)
    token = models.OneToOneField(
        ValidationToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="validation"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "edition"], name="validation_unique_per_edition"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "validated", "refused"]),
                name="validation_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} / {self.edition}: {self.status}"


class AuditEntry(models.Model):
    """Who did what, when, to which object, and from which state: written by every service."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.action}"


class Notification(models.Model):
    """A message to a person about something that happened; sent by e-mail and shown in-app."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the last send attempt claimed the row: a row "sending" for long was lost by a worker.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The periodic sweep looks only at undelivered rows, a small part of the table.
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_undelivered",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]),
                name="notification_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"


class Consent(models.Model):
    """A person's acceptance of a document (the privacy notice) in one version: GDPR evidence."""

    class Document(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    document = models.CharField(max_length=20, choices=Document, default=Document.PRIVACY)
    version = models.CharField(max_length=40)
    accepted_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="consent_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user} accepted {self.document} {self.version}"
