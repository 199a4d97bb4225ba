"""Clearing the cache deletes the cache's own keys only: the same Redis database holds Celery's
queue (one REDIS_URL for both) and, in the test suite, the other test process's cache, which
Django's own clear() (FLUSHDB) would empty."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def test_clearing_the_cache_leaves_the_queue_and_other_prefixes_alone():
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    server.lpush("celery-like-queue-of-this-test", "a task")
    server.set("other-prefix:1:count", 7)
    cache.set("ours", "kept?")
    try:
        cache.clear()

        assert cache.get("ours") is None
        assert server.lrange("celery-like-queue-of-this-test", 0, -1) == [b"a task"]
        assert server.get("other-prefix:1:count") == b"7"
    finally:
        server.delete("celery-like-queue-of-this-test", "other-prefix:1:count")
