"""Shared fixtures, and the rule that a test needing PostgreSQL or Redis never skips silently.

With CI=true or REQUIRE_SERVICES=1 a missing service fails the run instead of skipping.
"""

import os
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.db import IntegrityError, connection, transaction


def _services_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"


def _redis_answers() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    broker = settings.REDIS_URL or "none (tasks in-process)"
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} {db.get('NAME')}; broker and cache: {broker}"


def pytest_sessionstart(session):
    if not _services_required():
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not _redis_answers():
        problems.append(f"Redis does not answer at {settings.REDIS_URL or '(REDIS_URL unset)'}")
    if problems:
        pytest.exit("Services required (CI or REQUIRE_SERVICES=1): " + "; ".join(problems), 3)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and (
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        _skip_or_fail("needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not _redis_answers():
        _skip_or_fail("needs Redis (set REDIS_URL)")


def _skip_or_fail(reason: str):
    if _services_required():
        pytest.fail(f"{reason}: services are required here, a skip would hide this test")
    pytest.skip(reason)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def db_refuses():
    """A context manager: the block must fail with IntegrityError, naming one of ``names``.

    The block runs in its own savepoint, so the test can go on using the database afterwards.
    PostgreSQL names the violated constraint; SQLite names a CHECK constraint, but for a unique
    one only its columns (``table.column``), so callers pass either.
    """

    @contextmanager
    def refuses(*names: str):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            yield refused
        message = str(refused.value)
        assert not names or any(name in message for name in names), message

    return refuses
