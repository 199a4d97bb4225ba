"""Redis down or frozen must not break a web request: the cache answers as empty and tasks that
cannot be queued wait in the database for the periodic sweeps (docs/faults.md).

Every Redis call already gives up after REDIS_TIMEOUT_SECONDS. A frozen Redis would still cost
that timeout on each call of a request (the cache, then each task queued after commit), so the
first failure opens a breaker: for REDIS_RETRY_AFTER_SECONDS this process does not ask Redis at
all, and a request pays at most one timeout.
"""

import functools
import logging
import time
from collections.abc import Iterable

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

_skip_until = 0.0  # time.monotonic() before which Redis is not asked (this process)


def is_down() -> bool:
    """Redis failed a moment ago: do not ask it again yet."""
    return time.monotonic() < _skip_until


def mark_down(error: BaseException) -> None:
    global _skip_until
    _skip_until = time.monotonic() + settings.REDIS_RETRY_AFTER_SECONDS
    log.warning("Redis does not answer (%s): not asked again for a few seconds", error)


def reset() -> None:
    """Ask Redis again on the next call (tests, and a process that knows it is back)."""
    global _skip_until
    _skip_until = 0.0


def queue(task, calls: Iterable[tuple], what: str) -> None:
    """Queue ``task`` once per tuple of arguments in ``calls`` (after a commit). While Redis is
    down, nothing more is tried: what is not queued waits in the database for the periodic
    sweep that owns ``what`` (named in the log), and the request whose change is saved never
    fails for it. Tasks running in-process (no broker): a failure is logged, the next one runs.
    """
    if not task.app.conf.task_always_eager and is_down():
        log.warning("Redis is down: %s wait for the sweep", what)
        return
    for args in calls:
        try:
            task.apply_async(args, retry=False)
        except (BrokerError, OSError) as error:  # each further try would wait for its timeout
            mark_down(error)
            log.warning("Broker unreachable: %s wait for the sweep", what)
            return
        except Exception:  # noqa: BLE001 (in-process, without a broker)
            log.exception("%s: a task failed in-process (%s); the sweep tries again", what, args)


def _forgiving(fallback):
    """Run a cache call; when Redis fails or is known down, answer ``fallback`` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            if is_down():
                return fallback
            try:
                return method(self, *args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                mark_down(error)
                return fallback

        return wrapped

    return decorate


class _ForgivingClient(RedisCacheClient):
    """A miss for reads, nothing stored for writes: pages still render, only uncached."""

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis for every call, and its set-up (a table of reply
        # parsers) costs more than a small GET (events.feed_cache asks one per feed request).
        # One per connection pool serves every call and thread: the pool lends the connections.
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_redis_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]

    add = _forgiving(False)(RedisCacheClient.add)
    set = _forgiving(None)(RedisCacheClient.set)
    touch = _forgiving(False)(RedisCacheClient.touch)
    delete = _forgiving(False)(RedisCacheClient.delete)
    get_many = _forgiving({})(RedisCacheClient.get_many)
    has_key = _forgiving(False)(RedisCacheClient.has_key)
    set_many = _forgiving([])(RedisCacheClient.set_many)
    delete_many = _forgiving(None)(RedisCacheClient.delete_many)

    def get(self, key, default):
        # A miss answers the caller's default, as Django's get does (get_or_set relies on it).
        if is_down():
            return default
        try:
            return super().get(key, default)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            mark_down(error)
            return default

    def incr(self, key, delta):
        # A counter that cannot count must not look like one that counted: the caller
        # (meetandcode.kernel.ratelimit) lets the request through on this error.
        if is_down():
            raise redis.ConnectionError("Redis is down (breaker open)")
        try:
            return super().incr(key, delta)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            mark_down(error)
            raise


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, which a Redis outage turns into an empty cache, not an error."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ForgivingClient

    def clear(self) -> None:
        """Delete this cache's keys only. Django's own clear() empties the whole Redis database
        (FLUSHDB), which may also hold Celery's queue (one REDIS_URL for both) and, in the test
        suite, the other test process's cache."""
        if is_down():
            return
        try:
            client = self._cache.get_client(None, write=True)
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        except (redis.ConnectionError, redis.TimeoutError) as error:
            mark_down(error)
