"""gunicorn settings for the web container (`gunicorn -c gunicorn.conf.py meetandcode.wsgi`).

WEB_CONCURRENCY sets the number of worker processes; each holds its own database pool
(DB_POOL_MIN/DB_POOL_MAX), so workers x pool size must stay under PostgreSQL's max_connections.
"""

import os
import shutil
import tempfile
from pathlib import Path


def _default_workers() -> int:
    # The cores this container may use, not the host's (sched_getaffinity honours cpusets).
    return 2 * len(os.sched_getaffinity(0)) + 1


def _metrics_dir() -> str:
    """Where each worker writes its Prometheus counts (prometheus_client's multiprocess mode),
    set before the app is loaded: a new folder per start, or the one given, emptied, so a
    restart begins from zero, as Prometheus expects of counters."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given:
        shm = "/dev/shm"  # noqa: S108 (memory, like the heartbeat files below)
        return tempfile.mkdtemp(
            prefix="meetandcode-metrics-", dir=shm if os.path.isdir(shm) else None
        )
    Path(given).mkdir(parents=True, exist_ok=True)
    for stale in Path(given).glob("*.db"):
        stale.unlink()
    return given


_MADE_HERE = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir()


def on_exit(server):
    """The folder made for this start goes with it (a given one is emptied at the next start)."""
    if _MADE_HERE:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker):
    """A recycled worker's counts stay in the folder (a counter never goes back); this drops only
    what describes a live process."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, so a slow leak (a large GeoJSON build, a PDF) cannot grow forever.
# Workers share the load evenly and so reach max_requests together: the jitter spreads their
# restarts, and preload_app makes each one a fork of the loaded app (milliseconds) instead of
# a fresh Django start (seconds of CPU, during which no worker answered: bench/results.md saw a
# p95 of 5 s from that alone). Nothing opens a connection at import: each worker opens its own.
max_requests = 2000
max_requests_jitter = 1000
preload_app = True

# Only the reverse proxy reaches this port (published on 127.0.0.1), so trust its
# X-Forwarded-Proto wherever it connects from; the container's address changes on each start.
forwarded_allow_ips = "*"

# The heartbeat file on the container's overlay filesystem can stall workers; memory cannot.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (a per-worker heartbeat file, not data)
# The app user has no writable home for gunicorn's runtime control socket, and nothing uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
