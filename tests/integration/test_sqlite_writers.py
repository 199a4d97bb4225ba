"""make run's embedded default holds with several writers at once: on a SQLite file, autosaves
of one proposal from many threads (each its own connection, as the web server's threads and the
worker's are) all land, none answering "database is locked", while a manager approves other
proposals and their award letters are built and their e-mails sent (in-process, as make run
does without Redis; with Redis the worker writes the same rows from its own process).

Runs in a process of its own, since the suite's database is PostgreSQL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITERS = r"""
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from events import services
from grants.models import AwardLetter
from grants.services import approve_proposal
from organisations.models import Notification
from tests.factories import MembershipFactory, PartnerStaffFactory, ProposalFactory

member = MembershipFactory()
proposal = ProposalFactory(organisation=member.organisation, created_by=member.user)
waiting = [
    ProposalFactory(organisation=member.organisation, created_by=member.user,
                    country_programme=proposal.country_programme, status="submitted",
                    requested_amount=100)
    for _ in range(4)
]
manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
errors, saved = [], []
start = threading.Barrier(9)

def approver():
    start.wait()
    try:
        for other in waiting:
            approve_proposal(other, actor=manager, amount=100)
    except Exception as error:
        errors.append(f"approve {type(error).__name__}: {error}")
    finally:
        connection.close()

def writer(n):
    start.wait()
    try:
        for round in range(15):
            title = f"Autosave {n}-{round}"
            services.save_draft_section(
                proposal, actor=member.user, section="event", data={"title": title}
            )
            saved.append(title)
    except Exception as error:  # what the web server would answer 500 with
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
threads.append(threading.Thread(target=approver))
for thread in threads: thread.start()
for thread in threads: thread.join()
proposal.refresh_from_db()
print(json.dumps({"errors": errors, "saved": len(saved), "title": proposal.title,
                  "letters": AwardLetter.objects.count(),
                  "mails": Notification.objects.filter(status="sent").count(),
                  "unsent": Notification.objects.exclude(status="sent").count(),
                  "journal": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]}))
"""


def test_autosaves_from_many_threads_at_once_all_land_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "TESTING"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="meetandcode.settings",
        PYTHONPATH=str(ROOT),
    )
    run = subprocess.run(  # noqa: S603 (our own script, run by this interpreter)
        [sys.executable, "-c", WRITERS], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["saved"] == 8 * 15
    assert result["title"].startswith("Autosave ")
    assert result["journal"] == "wal"
    assert result["letters"] == 4  # one award letter per approval
    assert result["mails"] >= 4 and result["unsent"] == 0
