"""Waiting for what another thread or process does: the live server of the browser tests, the
Celery workers and servers of the integration and fault tests, the benchmarks' worker."""

import time

import pytest


def wait_until(
    condition,
    what: str,
    seconds: float = 10,
    on_timeout=None,
    *,
    every: float = 0.1,
    error: type[BaseException] = pytest.fail.Exception,
) -> None:
    """Poll ``condition`` every ``every`` seconds until it holds. After ``seconds`` raise
    ``error`` (the test fails) naming ``what``, followed by what ``on_timeout()`` returns (the
    workers' logs, say)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    extra = on_timeout() if on_timeout else ""
    raise error(f"Waited {seconds}s for {what}{extra}")
