"""/healthz: 200 when every part answers, 503 naming the parts that do not, never slow.

The database, cache and broker are the real ones of this test run (or a closed port); only the
worker ping is replaced where a 200 is expected, because a worker is a separate process.
"""

import time

import pytest
from django.db import connection

from meetandcode import health

CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"  # nothing listens here


@pytest.fixture
def redis_down(settings):
    """Settings as in production (tasks through the broker), with Redis not answering."""
    settings.REDIS_URL = CLOSED_PORT_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_URL,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }


@pytest.fixture
def in_process(settings):
    """The zero-setup local run: no Redis, tasks in the web process, a local memory cache."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(health, "check_workers", lambda: (True, "1 answering"))


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_is_200_when_database_cache_broker_and_worker_answer(
    client, settings, worker_answers
):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False  # the broker is really asked

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    checks = body["checks"]
    assert {name: checks[name]["ok"] for name in checks} == {
        "database": True,
        "cache": True,
        "broker": True,
        "workers": True,
    }
    assert checks["database"]["detail"] == connection.vendor
    assert checks["cache"]["detail"] == "answers"
    assert checks["broker"]["detail"] == "answers"


@pytest.mark.django_db
def test_healthz_is_503_naming_cache_and_broker_when_redis_is_down(client, redis_down):
    started = time.monotonic()

    response = client.get("/healthz")

    elapsed = time.monotonic() - started
    body = response.json()
    assert response.status_code == 503, body
    assert body["status"] == "failing"
    assert {"cache", "broker"} <= set(body["failing"])
    assert "database" not in body["failing"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["workers"] == {"ok": False, "detail": "broker unreachable", "ms": 0}
    assert elapsed < 5, f"/healthz took {elapsed:.1f} s with Redis down"


@pytest.mark.django_db
def test_healthz_is_200_in_process_without_redis(client, in_process):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["failing"] == []
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["broker"]["detail"].startswith("in-process")
    assert body["checks"]["workers"]["detail"].startswith("in-process")


@pytest.mark.django_db
def test_healthz_answers_json_that_is_never_cached(client, in_process):
    response = client.get("/healthz")

    assert response["Content-Type"] == "application/json"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "max-age=0"} <= cache_control


@pytest.mark.django_db
def test_healthz_reports_a_failing_check_instead_of_raising(client, in_process, monkeypatch):
    def database_down():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "check_database", database_down)

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["detail"] == "OSError: connection refused"
