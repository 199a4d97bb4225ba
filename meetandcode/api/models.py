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
