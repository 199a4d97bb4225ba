"""PostgreSQL restarted (``pg_ctl restart -m fast``) under load: gunicorn serves the app from a
private cluster while threads request public and signed-in pages; once the restart is over, no
response is a 5xx (Django's pool checks a connection before lending it). The requests that fail
while the server is down are counted and reported (docs/faults.md)."""

import http.client
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.conftest import _free_port
from tests.waiting import wait_until

from .postgres_cluster import PostgresCluster, required_postgres_bin

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

GUNICORN = Path(sys.executable).with_name("gunicorn")
PUBLIC_PAGES = ["/", "/events/", "/healthz"]
SIGNED_IN_PAGES = ["/my/"]
THREADS = 4
AFTER_RESTART_SECONDS = 4.0
MAX_SECONDS = 60  # the load stops by itself, whatever happens

MAKE_APPLICANT = """
from django.contrib.auth import get_user_model
from django.test import Client
user = get_user_model().objects.create_user("applicant@example.org", "a-long-password-1")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@dataclass
class Answer:
    started: float
    ended: float
    path: str
    status: int | None  # None: no HTTP answer at all (connection refused, reset)
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


@pytest.fixture
def cluster():
    bin_dir = required_postgres_bin()
    server = PostgresCluster(bin_dir)
    try:
        server.init()
        server.start()
        server.create_database("meetandcode")
        yield server
    finally:
        server.remove()


def app_env(cluster) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meetandcode.settings",
        "TESTING": "1",
        "DEBUG": "0",
        "DATABASE_URL": cluster.url("meetandcode"),
        "REDIS_URL": "",  # this test is about the database: cache and tasks in-process
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def gunicorn(cluster, tmp_path):
    env = app_env(cluster)
    manage = [sys.executable, "manage.py"]
    run = {"cwd": settings.BASE_DIR, "env": env, "check": True, "timeout": 300}
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **run)  # noqa: S603
    made = subprocess.run([*manage, "shell", "-c", MAKE_APPLICANT], capture_output=True, **run)  # noqa: S603
    session = made.stdout.decode().strip().splitlines()[-1]
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    # The settings as deployed (a pool of DB_POOL_MIN=1 per worker, checked before lending).
    env |= {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own fixed command)
            [str(GUNICORN), "-c", "gunicorn.conf.py", "meetandcode.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: get(port, "/healthz").status == 200, "gunicorn to answer", 60,
                   lambda: log.read_text(errors="replace")[-3000:])  # fmt: skip
        yield port, session, log
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def problems_in(log: Path) -> str:
    """gunicorn's log without the tracebacks' frames and the successful requests."""
    keep = ("ERROR", "WARNING", "Error:", "Exception", '" 5')
    lines = log.read_text(errors="replace").splitlines()
    return "\n".join(line[:300] for line in lines if any(k in line for k in keep))[-6000:]


def get(port: int, path: str, session: str = "") -> Answer:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    try:
        connection.request("GET", path, headers=headers)
        status, error = connection.getresponse().status, ""
    except OSError as failure:  # refused, reset, timed out
        status, error = None, repr(failure)
    finally:
        connection.close()
    return Answer(started, time.monotonic(), path, status, error)


def test_after_a_postgres_restart_under_load_no_request_fails(cluster, gunicorn, capsys):
    port, session, log = gunicorn
    answers: list[Answer] = []
    stop, quiet = threading.Event(), threading.Event()

    def load(index: int) -> None:
        pages = [(p, "") for p in PUBLIC_PAGES] + [(p, session) for p in SIGNED_IN_PAGES]
        deadline = time.monotonic() + MAX_SECONDS
        turn = index
        while not stop.is_set() and time.monotonic() < deadline:
            if quiet.is_set():
                time.sleep(0.05)
                continue
            path, cookie = pages[turn % len(pages)]
            answers.append(get(port, path, cookie))
            turn += 1
            time.sleep(0.02)

    def restart() -> tuple[float, float]:
        started = time.monotonic()
        cluster.restart()
        return started, time.monotonic()

    threads = [threading.Thread(target=load, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)  # every gunicorn worker holds pooled connections now
        busy_restart = restart()  # under load: requests meet the server going down
        time.sleep(AFTER_RESTART_SECONDS)
        quiet.set()  # no request on the way: every pooled connection is idle, then dead
        time.sleep(0.5)
        quiet_restart = restart()
        quiet.clear()
        time.sleep(AFTER_RESTART_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    restart_started, restart_ended = busy_restart
    before = [a for a in answers if a.ended < restart_started]
    during = [a for a in answers if a.started <= restart_ended and a.ended >= restart_started]
    failed = sorted((a for a in answers if a.failed), key=lambda a: a.started)
    span = failed[-1].ended - failed[0].started if failed else 0.0
    with capsys.disabled():
        print(
            f"\n[postgres restart] pg_ctl restart took {restart_ended - restart_started:.2f} s; "
            f"{len(answers)} requests, {len(during)} during it, {len(failed)} failed over "
            f"{span:.2f} s ({sorted({a.status for a in failed}, key=str)})"
        )
    assert before and not any(a.failed for a in before)
    for _started, ended in (busy_restart, quiet_restart):
        after = [a for a in answers if a.started > ended]
        assert len(after) >= 20
        bad_after = [(a.path, a.status, a.error) for a in after if a.failed]
        assert not bad_after, (bad_after, problems_in(log))
        assert {a.status for a in after} <= {200, 302}, {a.status for a in after}
        assert any(a.path == "/my/" and a.status == 200 for a in after)
