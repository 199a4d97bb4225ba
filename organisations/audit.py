"""The audit log: every service records who did what, to which object, from which state."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def record(
    target,
    *,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    data: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )


def entries_for(target):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")
