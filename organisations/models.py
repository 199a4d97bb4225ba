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
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from programmes.country_content import letter_language_choices

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
        _("demo login"),
        default=False,
        help_text=_("A fixed demo login: refused when DEBUG is off."),
    )
    # What the person last chose where a page remembers it (the review queue's filters), as
    # plain values: {"queue": "status=submitted&sort=-score"}. Not audited: a way of looking at
    # the data, not a change of it (organisations.services.remember_choice).
    choices_remembered = models.JSONField(_("remembered choices"), default=dict, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self):
        return self.get_full_name() or self.email


class LegalForm(models.Model):
    """A non-profit legal form valid in one country, e.g. ASBL in Luxembourg."""

    country = CountryField(_("country"))
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(
        _("name in each language"),
        default=dict,
        blank=True,
        help_text=_(
            'How each of the country\'s languages writes it, e.g. {"nl": "VZW", "fr": "ASBL"}. '
            "Readers in another language see the name above."
        ),
    )

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="legalform_unique_per_country")
        ]

    def __str__(self):
        return self.name_in(translation.get_language() or settings.LANGUAGE_CODE)

    def name_in(self, language: str) -> str:
        """The name as ``language`` writes it ("VZW" in Dutch, "ASBL" in French), else the name
        as registered ("VZW / ASBL")."""
        return (self.names or {}).get(language) or self.name


def active_member_q(user=None, *, prefix: str = "", **conditions) -> Q:
    """The one definition of an active member: an active membership (of ``user``, when given,
    and matching ``conditions`` such as ``role=`` or ``organisation=``), reached through
    ``prefix``: "" on Membership, "memberships__" from Organisation or User,
    "organisation__memberships__" from Proposal or MemberInvitation.

    One Q, for one ``filter()`` (or ``exclude()``): through a multi-valued relation all its
    conditions then hold for the same membership, which two ``filter()`` calls would not ensure.
    """
    if user is not None:
        conditions["user"] = user
    conditions["status"] = Membership.Status.ACTIVE
    return Q(**{f"{prefix}{name}": value for name, value in conditions.items()})


class OrganisationQuerySet(models.QuerySet):
    def of_member(self, user, **conditions):
        """The organisations ``user`` is an active member of (``role=`` for owners only)."""
        return self.filter(active_member_q(user, prefix="memberships__", **conditions))


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
    letter_language = models.CharField(
        _("language of award letters"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("One of your country's languages. Empty: the country's first language."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
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
        if self.letter_language and self.country:
            self._check_letter_language()

    def _check_letter_language(self):
        choices = letter_language_choices(self.country)
        if self.letter_language not in dict(choices):
            names = ", ".join(name for _code, name in choices)
            message = _("Award letters can be written in your country's languages: %(names)s.")
            raise ValidationError({"letter_language": message % {"names": names}})


class MembershipQuerySet(models.QuerySet):
    def active(self, **conditions):
        """Active memberships (matching ``conditions``, in the same ``filter()``)."""
        return self.filter(active_member_q(**conditions))


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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"

    @property
    def is_active(self) -> bool:
        """The row, in Python, as ``active_member_q`` finds it."""
        return self.status == self.Status.ACTIVE


def new_invitation_token() -> str:
    """An unguessable token for an invitation link."""
    return secrets.token_urlsafe(32)


class MemberInvitation(models.Model):
    """An owner's invitation, by e-mail, to act for an organisation. Valid for 14 days."""

    VALID_FOR = timedelta(days=14)

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token = models.CharField(
        _("link token"), max_length=64, unique=True, default=new_invitation_token
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
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
    may_edit_messages = models.BooleanField(
        _("may edit the messages of its countries"),
        default=False,
        help_text=_(
            "Its managers may change the e-mails its countries' applicants receive (set by "
            "programme staff)."
        ),
    )

    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PartnerStaff",
        related_name="partners",
        verbose_name=_("staff"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("national partner")
        verbose_name_plural = _("national partners")

    def __str__(self):
        return self.name


class PartnerStaff(models.Model):
    """A person working for a national partner, covering the partner's countries."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_roles",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("national partner"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.REVIEWER)

    class Meta:
        verbose_name = _("partner staff member")
        verbose_name_plural = _("partner staff")
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
        "programmes.CountryProgramme",
        on_delete=models.CASCADE,
        related_name="validation_tokens",
        verbose_name=_("country programme"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_to_email = models.EmailField(_("issued to (e-mail)"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    redeemed_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redeemed by"),
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("validation token")
        verbose_name_plural = _("validation tokens")
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
        Organisation,
        on_delete=models.CASCADE,
        related_name="validations",
        verbose_name=_("organisation"),
    )
    edition = models.ForeignKey(
        "programmes.Edition",
        on_delete=models.CASCADE,
        related_name="organisation_validations",
        verbose_name=_("edition"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    method = models.CharField(_("method"), max_length=10, choices=Method, default=Method.MANUAL)
    token = models.OneToOneField(
        ValidationToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="validation",
        verbose_name=_("validation token"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation validation")
        verbose_name_plural = _("organisation validations")
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
        return f"{self.organisation} / {self.edition}: {self.get_status_display()}"


class AuditEntry(models.Model):
    """Who did what, when, to which object, and from which state: written by every service."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object ID"))
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
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

    # A person with an account; or, for an invitation to someone without one, only ``email``.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    kind = models.CharField(_("kind"), max_length=60)
    context = models.JSONField(_("context"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the last send attempt claimed the row: a row "sending" for long was lost by a worker.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The edited text the e-mail was written from (organisations.message_texts); empty: the
    # template files (templates/emails/), the defaults.
    message_text = models.ForeignKey(
        "MessageText",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("text used"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
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
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient or self.email}"

    @property
    def address(self) -> str:
        """Where the e-mail goes: the row's own address, else the recipient's."""
        return self.email or self.recipient.email


class Consent(models.Model):
    """A person's acceptance of a document (the privacy notice) in one version: GDPR evidence."""

    class Document(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
    )
    document = models.CharField(
        _("document"), max_length=20, choices=Document, default=Document.PRIVACY
    )
    version = models.CharField(_("version"), max_length=40)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="consent_once_per_version"
            )
        ]

    def __str__(self):
        return _("%(user)s accepted the %(document)s, version %(version)s") % {
            "user": self.user,
            "document": self.get_document_display(),
            "version": self.version,
        }


class MessageText(models.Model):
    """One version of a notification's subject and body as programme staff (or a partner, for
    its country) wrote it, in one language (issue 18). Versions are never changed: each save adds
    the next one, and the latest of a kind, language and country is the one sent. A version with
    an empty body gives the text back to the default (organisations.message_texts)."""

    kind = models.CharField(_("kind"), max_length=60)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    country = CountryField(_("country"), blank=True, help_text=_("Empty: every country."))
    number = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=5000, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "language", "country", "-number"]
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "country", "number"], name="message_text_version"
            )
        ]

    def __str__(self):
        where = f" {self.country}" if self.country else ""
        return f"{self.kind} ({self.language}{where}) v{self.number}"
