import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A person's key to the API. Only a SHA-256 digest of it is kept: the token itself is shown
    once, when it is made (a random 256-bit secret needs no slow hash)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=80)
    # the first characters after "mcg_", shown so that a person can tell their tokens apart
    prefix = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope, default=Scope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_on = models.DateField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="token_scope"),
        ]

    def __str__(self):
        return f"{self.name} (mcg_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class WebhookEndpoint(models.Model):
    """An https address that hears of chosen happenings, signed with its secret.

    Registered by programme staff (every country, or those chosen) or a partner's manager (some
    of their countries). What it hears never goes beyond what its owner may see at that moment.
    The secret signs every delivery; it is shown once, when the endpoint is made, and kept here
    because signing needs it (docs/api.md, Webhooks).
    """

    class Kind(models.TextChoices):
        EVENT_PUBLISHED = "event.published", _("Event published")
        EVENT_CHANGED = "event.changed", _("Event changed")
        EVENT_CANCELLED = "event.cancelled", _("Event cancelled")
        PROPOSAL_DECIDED = "proposal.decided", _("Proposal decided")
        REPORT_SUBMITTED = "report.submitted", _("Report submitted")
        PAYMENT_RECORDED = "payment.recorded", _("Payment recorded")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("registered by"),
    )
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address"), max_length=500)
    kinds = models.JSONField(_("kinds"), default=list)
    # ISO codes; empty: every country (programme staff only)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    secret = models.CharField(_("secret"), max_length=80)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return f"{self.name} ({self.url})"

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(models.Model):
    """One happening sent to one endpoint: written in the transaction of the change, sent after
    commit by a worker, tried again with growing pauses (api.webhook_outbox)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # The happening's id, in the body: the same for every endpoint and for a replay.
    event_id = models.UUIDField(_("event id"))
    # This delivery's id, in the X-MeetAndCode-Delivery header: new for a replay.
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("kind"), max_length=30)
    # The exact JSON sent, so that every attempt and every replay signs the same bytes.
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("replay of"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_log"),
            # The sweep looks only at deliveries still to send, a small part of the table.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_undelivered",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "delivered", "failed"]),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.endpoint_id} ({self.status})"
