"""Real processes for the integration tests: a Redis server of the test's own and Celery workers.

Each test gets a ``redis-server`` on a free port (never the machine's shared Redis on 6379, which
other tests and people use): the test may stop and start it, and no other process takes its
messages or restores its unacknowledged ones. Workers are ``celery -A meetandcode worker``
subprocesses on the test database pytest-django created (transactional tests: what the test
commits, the worker sees), writing e-mails as files and letters to the test's private folder.
Teardown kills every process a test started, whatever happened in the test.
"""

import contextlib
import email
import os
import shutil
import signal
import subprocess
import sys
import uuid
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection

from meetandcode.celery import app as celery_app
from tests.conftest import _skip_or_fail
from tests.integration.object_storage import MOTO_SERVER, S3Server
from tests.integration.ports import free_port as _free_port
from tests.waiting import wait_until

CELERY = Path(sys.executable).with_name("celery")
STARTUP_SECONDS = 40  # a worker imports Django and WeasyPrint; the machine may be busy
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # the file backend ends each message with this line


class RedisServer:
    """A redis-server process of this test's own, which the test may stop and start again."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            shutil.which("redis-server"),
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"),
            *("no", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")),
        ]
        self.process = subprocess.Popen(  # noqa: S603 (our own fixed command)
            command, stdout=subprocess.DEVNULL, start_new_session=True
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        wait_until(lambda: self._answers(client), "the test's Redis server to answer", 10)

    @staticmethod
    def _answers(client) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


def _drop_broker_connections() -> None:
    """The Celery app keeps its producer connections (in kombu's shared pools): after a broker
    change, close them all and open new ones."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path):
    """A private Redis, the broker this process (the web side) publishes its tasks to."""
    if not shutil.which("redis-server"):
        _skip_or_fail("needs redis-server (apt-get install redis-server)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = server.url, False
    _drop_broker_connections()
    try:
        yield server
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _drop_broker_connections()
        server.stop()


def database_url() -> str:
    """The test database pytest-django created (test_..., one per xdist process), as a URL."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts Celery worker processes; ``kill`` is kill -9 of a worker and all its children."""

    def __init__(self, folder: Path, broker: RedisServer, mail_dir: Path, private_dir: Path):
        self.folder, self.broker, self.running = folder, broker, []
        self.base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "meetandcode.settings",
            "PYTHONPATH": str(settings.BASE_DIR),
            "TESTING": "1",
            "DEBUG": "0",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "PRIVATE_MEDIA_ROOT": str(private_dir),
            "LOG_LEVEL": "WARNING",
        }

    def start(self, *, beat: bool = False, app: str = "meetandcode", **env: str):
        """``app`` may be a test module that imports meetandcode's app and slows a step."""
        name = f"worker-{len(self.running) + 1}"
        log = self.folder / f"{name}.log"
        command = [
            str(CELERY), "-A", app, "worker", "-l", "info", "-c", "1",
            "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if beat:
            command += ["-B", "-s", str(self.folder / f"{name}-beat-schedule")]
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (our own fixed command)
                command,
                cwd=settings.BASE_DIR,
                env={**self.base_env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill reaches its children
            )
        process.log = log
        self.running.append(process)
        wait_until(
            lambda: b" ready." in log.read_bytes() or process.poll() is not None,
            f"{name} to start",
            STARTUP_SECONDS,
            self.logs,
        )
        if process.poll() is not None:
            pytest.fail(f"{name} stopped at start{self.logs()}")
        return process

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):  # it died already
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def kill_all(self) -> None:
        for process in self.running:
            self.kill(process)

    def logs(self) -> str:
        return "".join(
            f"\n--- {p.log.name}:\n" + p.log.read_text(errors="replace")[-3000:]
            for p in self.running
        )


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def workers(tmp_path, broker, mail_dir, private_storage, transactional_db):
    """Start workers with ``workers.start()``; all are killed before the database is flushed."""
    pool = Workers(tmp_path, broker, mail_dir, private_storage)
    try:
        yield pool
    finally:
        pool.kill_all()


def sent_mails(folder: Path) -> list[EmailMessage]:
    """Every message the file backend wrote (a file per connection; messages sent in the same
    second may share one, so count messages, not files)."""
    found = []
    for path in sorted(folder.iterdir()):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=policy.default))
    return found


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if not MOTO_SERVER.exists():
        _skip_or_fail("needs moto's S3 server (pip install -r requirements-dev.txt)")
    server = S3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.stop()
