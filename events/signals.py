"""A published, changed or cancelled event makes the cached public feeds stale."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Event
from .public import bump_version


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def public_events_changed(sender, **kwargs):
    transaction.on_commit(bump_version)
