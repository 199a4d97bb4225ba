"""A test-only Celery app module: meetandcode's app, with award letters slowed down while they are
built, so a test can kill the worker in the middle (``celery -A tests.faults.slow_letters``).

The render sleeps SLOW_LETTER_SECONDS after touching SLOW_LETTER_MARK (a file the test waits
for): the worker is then inside build_award_letter's transaction, holding the grant's row lock,
with the PDF made but not stored.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from meetandcode.celery import app  # noqa: F401 (the app celery -A finds here)


@worker_process_init.connect
def slow_down_letters(**_kwargs) -> None:
    """In the pool process, once Django is set up: each letter sleeps after its render."""
    from grants import letters

    render_letter = letters.render_letter

    def slow_render_letter(*args, **kwargs) -> bytes:
        pdf = render_letter(*args, **kwargs)
        Path(os.environ["SLOW_LETTER_MARK"]).touch()
        time.sleep(float(os.environ.get("SLOW_LETTER_SECONDS", "60")))
        return pdf

    letters.render_letter = slow_render_letter
