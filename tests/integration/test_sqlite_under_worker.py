"""make run's embedded default under its own worker: on one SQLite file, a web server (runserver,
threaded, as make run starts it) answers autosaves from several people at once while a manager
approves proposals and a real Celery worker builds the award letters and sends the e-mails.

Nothing answers 500 ("database is locked"), every save is stored, every letter built and every
notification sent at the first attempt. The processes are the ones make run starts, with DEBUG on:
``manage.py runserver``, ``celery -A meetandcode worker`` on a Redis server of the test's own
(tests/integration/conftest.py), and the approvals from a process of their own, as an admin or a
management command would make them. The suite's own database (PostgreSQL) is not used.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import _skip_or_fail
from tests.waiting import wait_until

from .conftest import RedisServer, Workers, _free_port, sent_mails

pytestmark = [pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
APPLICANTS = 5  # each autosaves a draft of their own (rate limits count per person and address)
SAVES_AT_MOST = 80  # per applicant: under the 120 a minute one person may save
APPROVALS = 6

SETUP = r"""
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from events.models import Proposal
from tests.factories import (CountryProgrammeFactory, MembershipFactory, PartnerStaffFactory,
                             ProposalFactory)

programme = CountryProgrammeFactory()
drafts = []
for _ in range(APPLICANTS):
    member = MembershipFactory()
    draft = ProposalFactory(organisation=member.organisation, created_by=member.user,
                            country_programme=programme)
    client = Client()
    client.force_login(member.user)
    drafts.append({"pk": draft.pk, "session": client.cookies["sessionid"].value})
for _ in range(APPROVALS):
    member = MembershipFactory()
    ProposalFactory(organisation=member.organisation, created_by=member.user,
                    country_programme=programme, status=Proposal.Status.SUBMITTED,
                    requested_amount=100)
PartnerStaffFactory(partner=programme.partner)
print(json.dumps(drafts))
"""

# A manager approving one proposal after another; the web side's commit queues the letter and
# the e-mail on Redis. Started ahead, it waits for "go" so that it approves while people type.
APPROVER = r"""
import json, sys
import django
django.setup()
from events.models import Proposal
from grants.services import approve_proposal
from organisations.models import PartnerStaff

manager = PartnerStaff.objects.get().user
print("ready", flush=True)
sys.stdin.readline()
errors = []
for proposal in Proposal.objects.filter(status=Proposal.Status.SUBMITTED).order_by("pk"):
    try:
        approve_proposal(proposal, actor=manager, amount=100)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
print(json.dumps(errors), flush=True)
"""

OUTCOME = r"""
import json
import django
django.setup()
from django.db import connection
from events.models import Proposal
from grants.letters import current_letter
from grants.models import Grant
from organisations.models import Notification

print(json.dumps({
    "titles": dict(Proposal.objects.filter(status="draft").values_list("pk", "title")),
    "grants": Grant.objects.count(),
    "letters": sum(current_letter(grant) is not None for grant in Grant.objects.all()),
    "notifications": list(Notification.objects.values("kind", "status", "attempts", "last_error")),
    "journal": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
}))
"""


#: a guard against a script that hangs, not a measure of speed: migrating a new SQLite file and
#: writing the people took over 120 s on a slow machine beside the browser tests
SCRIPT_TIMEOUT = 600


def python(script: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own script, run by this interpreter)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=SCRIPT_TIMEOUT, check=False, **kwargs,
    )  # fmt: skip


def finished(database: Path) -> bool:
    """Every approval has its letter and every notification is sent (read beside the writers)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
        try:
            letters = db.execute("SELECT count(*) FROM grants_awardletter").fetchone()[0]
            waiting = db.execute(
                "SELECT count(*) FROM organisations_notification WHERE status != 'sent'"
            ).fetchone()[0]
        except sqlite3.OperationalError:  # locked: without WAL a reader waits for writers
            return False
    return letters >= APPROVALS and waiting == 0


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the login page) is an answer of its own, not a 200


HTTP = urllib.request.build_opener(NoRedirects)


def fetch(url: str, data: dict | None = None, headers: dict | None = None):
    """(status, headers, body) of one request, whatever its status."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 (http)
    try:
        with HTTP.open(request, timeout=60) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


class Autosaver(threading.Thread):
    """One person typing a title: the event section is posted as htmx does, again and again."""

    def __init__(self, base: str, draft: dict, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.pk, self.session, self.stop = base, draft["pk"], draft["session"], stop
        self.answers, self.last_saved = [], None

    def run(self) -> None:
        edit = f"{self.base}/my/proposals/{self.pk}/edit/"
        status, headers, _ = fetch(edit, headers={"Cookie": f"sessionid={self.session}"})
        self.answers.append(status)
        cookies = SimpleCookie()
        for line in headers.get_all("Set-Cookie") or []:
            cookies.load(line)
        token = cookies["csrftoken"].value if "csrftoken" in cookies else ""
        headers = {
            "Cookie": f"sessionid={self.session}; csrftoken={token}",
            "X-CSRFToken": token,
            "HX-Request": "true",
        }
        for n in range(SAVES_AT_MOST):
            if self.stop.is_set() and n >= 10:
                return
            title = f"Robots in the library {self.pk}-{n}"
            data = {"event-title": title, "event-description": "Kids build robots."}
            status, _, body = fetch(f"{edit}event/", data, headers)
            self.answers.append(status)
            if status == 200 and "Saved at" in body:
                self.last_saved = title


class Processes:
    """runserver and the approver, killed (with their children) whatever happens in the test."""

    def __init__(self):
        self.running, self.logs = [], []

    def start(self, command: list[str], log: Path, env: dict, **kwargs) -> subprocess.Popen:
        output = log.open("wb") if log else subprocess.PIPE
        if log:
            self.logs.append(output)
        process = subprocess.Popen(  # noqa: S603 (our own fixed command)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True, **kwargs,
        )  # fmt: skip
        self.running.append(process)
        return process

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        for output in self.logs:
            output.close()


def last_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Error" in line][-5:]


def answers(url: str) -> bool:
    try:
        return fetch(url)[0] > 0
    except OSError:  # not listening yet
        return False


@pytest.fixture
def processes():
    started = Processes()
    try:
        yield started
    finally:
        started.stop()


def test_autosaves_approvals_letters_and_mails_all_land_on_one_sqlite_file(
    tmp_path, processes, mail_dir
):
    if not shutil.which("redis-server"):
        _skip_or_fail("needs redis-server (apt-get install redis-server)")
    broker = RedisServer(tmp_path / "redis")
    broker.start()
    database = tmp_path / "run.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "REDIS_URL"}}
    env.update(
        DEBUG="1",  # as make run has it
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=broker.url,
        DJANGO_SETTINGS_MODULE="meetandcode.settings",
        PYTHONPATH=str(ROOT),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        LOG_LEVEL="WARNING",
    )
    setup = python(
        SETUP.replace("APPLICANTS", str(APPLICANTS)).replace("APPROVALS", str(APPROVALS)), env
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    drafts = json.loads(setup.stdout.strip().splitlines()[-1])

    port = _free_port()
    server = processes.start(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        tmp_path / "runserver.log",
        env,
    )
    approver = processes.start(
        [sys.executable, "-c", APPROVER], None, env, stdin=subprocess.PIPE, text=True
    )
    workers = Workers(tmp_path, broker, mail_dir, tmp_path / "private")
    try:
        worker = workers.start(DATABASE_URL=env["DATABASE_URL"], TESTING="0", DEBUG="1")
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(f"{base}/healthz"), "runserver to answer", 40)
        ready = approver.stdout.readline()
        assert ready.strip() == "ready", ready + approver.stdout.read()[-3000:]

        stop = threading.Event()
        typing = [Autosaver(base, draft, stop) for draft in drafts]
        for person in typing:
            person.start()
        approver.stdin.write("go\n")
        approver.stdin.flush()
        approved = approver.stdout.readline()
        assert approved, f"the approver stopped: {approver.stdout.read()[-3000:]}"
        approval_errors = json.loads(approved)

        def failed() -> bool:  # say so at once, rather than wait for letters that never come
            locked = "database is locked" in worker.log.read_text(errors="replace")
            return locked or any(code != 200 for person in typing for code in person.answers)

        wait_until(
            lambda: failed() or finished(database), "the letters and the e-mails", 60, workers.logs
        )
        stop.set()
        for person in typing:
            person.join(60)
    finally:
        workers.kill_all()
        broker.stop()

    web_log = (tmp_path / "runserver.log").read_text(errors="replace")
    assert approval_errors == []
    codes = Counter(code for person in typing for code in person.answers)
    assert set(codes) == {200}, f"answers {dict(codes)}: {last_errors(web_log)}"
    assert server.poll() is None  # runserver still up: the answers above are its own
    assert "database is locked" not in web_log + worker.log.read_text(errors="replace")

    assert finished(database)
    outcome = python(OUTCOME, env)
    assert outcome.returncode == 0, outcome.stderr[-3000:]
    result = json.loads(outcome.stdout.strip().splitlines()[-1])
    assert result["journal"] == "wal"
    saved = {str(person.pk): person.last_saved for person in typing}
    assert result["titles"] == saved  # each person's last save is what the draft holds
    assert result["grants"] == APPROVALS and result["letters"] == APPROVALS
    notifications = result["notifications"]
    assert len([n for n in notifications if n["kind"] == "proposal_approved"]) == APPROVALS
    assert all(
        n["status"] == "sent" and n["attempts"] == 1 and not n["last_error"] for n in notifications
    ), notifications
    assert len(sent_mails(mail_dir)) == len(notifications)
