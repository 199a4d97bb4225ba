"""Celery tasks of grants: building award letters. Thin: ids in, grants.letters does the work.

Safe to run twice: ``build_award_letter`` locks the grant and does nothing when its current letter
already states the grant's facts; ``acks_late`` hands the task to another worker if this one dies.
"""

import logging

from celery import shared_task
from django.db import OperationalError

from . import letters
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
        letters.enqueue_award_letter(grant_id)
    return len(ids)
