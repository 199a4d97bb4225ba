"""Celery tasks of grants: building award letters, and queueing them (``enqueue_award_letter``);
the reminders on the beat schedule (CELERY_BEAT_SCHEDULE in settings). Thin: ids in,
grants.letters and grants.reminders do the work.

Safe to run twice: ``build_award_letter`` locks the grant and does nothing when its current letter
already states the grant's facts; ``acks_late`` hands the task to another worker if this one dies.
"""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from meetandcode.kernel import redis_outage

from . import integrity, letters, reminders
from .models import Grant

log = logging.getLogger(__name__)

SWEEP_BATCH = 200


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    # A letter takes well under a second: one past these limits is stuck (a pathological
    # template or font), and is stopped rather than holding a worker (SoftTimeLimitExceeded,
    # then the worker process is killed at the hard limit).
    soft_time_limit=60,
    time_limit=90,
)
def build_award_letter_task(grant_id: int) -> str:
    """Build (or leave as it is) the grant's current award letter."""
    try:
        letter = letters.build_award_letter(grant_id)
    except Grant.DoesNotExist:
        log.warning("No grant %s: its award letter is not built", grant_id)
        return "no such grant"
    return f"v{letter.version}" if letter else "no letter (grant not active)"


@shared_task(acks_late=True)
def build_missing_award_letters() -> int:
    """Periodic (beat): queue the letters whose task was lost, e.g. Redis down at the approval."""
    ids = list(letters.grants_missing_a_letter().values_list("pk", flat=True)[:SWEEP_BATCH])
    for grant_id in ids:
        enqueue_award_letter(grant_id)
    return len(ids)


def enqueue_award_letter(grant_id: int) -> None:
    """Hand the grant to a worker (call after commit). If the broker does not answer, the
    periodic ``build_missing_award_letters`` builds it later: the approval never fails for it."""
    redis_outage.queue(
        build_award_letter_task, [(grant_id,)], f"the award letter of grant {grant_id}"
    )


def reissue_letters_of(organisation_id: int, fields: list[str]) -> None:
    """Queue a new letter for each active grant of the organisation (after commit) when it chose
    another letter language: each letter's facts differ and a new version is built. Added to
    ``organisations.hooks.organisation_changed`` in grants.apps."""
    if "letter_language" not in fields:
        return
    grants = Grant.objects.filter(
        proposal__organisation_id=organisation_id, status=Grant.Status.ACTIVE
    )
    for grant_id in grants.values_list("pk", flat=True):
        enqueue_award_letter(grant_id)


# The reminders: each calls its service in grants/reminders.py with the current time. Safe to run
# twice or late: the services record what they sent and send nothing twice. A run that fails is
# not retried; the next scheduled run picks up whatever is still due.


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


# Integrity signals (grants.integrity): computed again after a proposal is handed in or its
# organisation's bank account or contact changes. They never block anything: a broker that does
# not answer means computing them here and now, a few queries.

SIGNAL_FIELDS = frozenset({"iban", "contact_name", "contact_email", "phone"})


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_signals_task(proposal_ids: list[int]) -> int:
    return integrity.refresh(proposal_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_organisation_signals_task(organisation_id: int) -> int:
    return integrity.refresh_organisation(organisation_id)


def _queue_or_run(task, *args) -> None:
    if not task.app.conf.task_always_eager and redis_outage.is_down():
        task(*args)
        return
    try:
        task.apply_async(args, retry=False)
    except (BrokerError, OSError) as error:
        redis_outage.mark_down(error)
        task(*args)


def signals_after_submit(proposal_id: int) -> None:
    """Added to ``organisations.hooks.proposal_submitted`` in grants.apps."""
    _queue_or_run(refresh_signals_task, [proposal_id])


def signals_after_organisation_change(organisation_id: int, fields: list[str]) -> None:
    """Added to ``organisations.hooks.organisation_changed`` in grants.apps."""
    if SIGNAL_FIELDS.intersection(fields):
        _queue_or_run(refresh_organisation_signals_task, organisation_id)
