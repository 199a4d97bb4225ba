"""Fault tests (``make faults``): the real processes of tests/integration (a private Redis, Celery
worker subprocesses), plus a private PostgreSQL cluster and an SMTP server of the test's own.

Every test ends on exact counts: nothing lost, nothing duplicated.
"""

from tests.integration.conftest import broker, mail_dir, workers  # noqa: F401 (fixtures)
