"""Shared fixtures, and the rule that a test needing PostgreSQL or Redis never skips silently.

With CI=true or REQUIRE_SERVICES=1 a missing service fails the run instead of skipping.
"""

import os
import time
import uuid
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


def chromium_path() -> str:
    """Debian's chromium (apt-get install chromium); browser tests never download one."""
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "eager_tasks(propagates=True): how the eager_tasks fixture runs the tasks"
    )


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
    if item.get_closest_marker("browser") and not os.access(chromium_path(), os.X_OK):
        _skip_or_fail(f"needs chromium at {chromium_path()} (apt-get install chromium)")


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


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Private files (award letters) go to the test's own folder, never to var/private."""
    from django.utils.functional import empty

    from meetandcode.kernel import storage

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    storage._private_storage._wrapped = empty
    yield tmp_path / "private"
    storage._private_storage._wrapped = empty


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test starts with an empty cache, so rate limits count from zero whatever ran before.

    The cache is a real Redis shared by both xdist workers when REDIS_URL is set. A key prefix of
    the test's own is that test's empty cache; flushing the Redis database instead would also
    wipe the other worker's counts and any queued Celery tasks.
    """
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English. A request to a /de/ page activates German in the thread that
    served it, which is the test's own with the test client; ``reverse()`` in the next test
    would then give /de/ addresses."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def redis_asked_again():
    """Each test starts asking Redis, whatever an earlier test did to it: a Redis failure keeps
    this process off Redis for a few seconds (meetandcode.kernel.redis_outage)."""
    from meetandcode.kernel import redis_outage

    redis_outage.reset()


@pytest.fixture
def two_factor_login():
    """Log partner staff into a test client as the dashboard requires:
    ``two_factor_login(client, user)`` is tests.factories.log_in_with_second_factor."""
    from tests.factories import log_in_with_second_factor

    return log_in_with_second_factor


@pytest.fixture
def eager_tasks(request):
    """Celery tasks run in this process whatever REDIS_URL says: a task queued after a commit
    runs there and then, so the test sees what it did (the mail in the outbox). A task's error
    is raised in the test; ``@pytest.mark.eager_tasks(propagates=False)`` keeps it in the task
    instead, so a retry runs at once as the next attempt of the same eager call. A module whose
    every test needs it puts ``pytest.mark.usefixtures("eager_tasks")`` in its ``pytestmark``."""
    from meetandcode.celery import app as celery_app

    marker = request.node.get_closest_marker("eager_tasks")
    propagates = marker.kwargs.get("propagates", True) if marker else True
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, propagates
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def one_rate_limit_window(monkeypatch):
    """Our rate limits count per fixed window (meetandcode.kernel.ratelimit: a minute, an
    hour). A test that crossed a window's edge would start counting afresh half-way; each test
    sees one moment instead, 30 s into a minute and an hour."""
    import types

    from meetandcode.kernel import ratelimit

    moment = (time.time() // 3600 + 1) * 3600 + 30
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: moment))
