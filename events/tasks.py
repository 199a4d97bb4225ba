"""Celery tasks of events: the reminders on the beat schedule (CELERY_BEAT_SCHEDULE in settings).

Thin: each calls its service in events/reminders.py with the current time. Safe to run twice or
late: the services record what they sent and send nothing twice. A run that fails is not
retried; the next scheduled run picks up whatever is still due.
"""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task(acks_late=True)
def send_report_reminders() -> int:
    """Hourly: reports due, then overdue weekly (at most three reminders per grant)."""
    return reminders.send_report_reminders(timezone.now())


@shared_task(acks_late=True)
def send_draft_deadline_reminders() -> int:
    """Daily: unsubmitted proposals a few days before their application deadline."""
    return reminders.send_draft_deadline_reminders(timezone.now())


@shared_task(acks_late=True)
def send_partner_digests() -> int:
    """Daily: each partner staff member's proposals waiting for their review."""
    return reminders.send_partner_digests(timezone.now())
