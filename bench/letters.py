"""Award letters: letters per minute for one worker, and the time from approval to e-mail.

Builds its own throwaway PostgreSQL database (DATABASE_URL's name plus ``_letters_bench``,
dropped at the end) and starts its own ``redis-server`` on a free port (the machine's shared
Redis is never touched), then measures:

1. in this one process, ``build_award_letter`` one grant after the other (render with
   WeasyPrint, store the PDF, write the row): letters per minute at concurrency 1, and how much
   of a letter is WeasyPrint alone;
2. through a real ``celery -A meetandcode worker -c 1`` on that Redis: BENCH_LETTERS (60) build
   tasks queued at once, letters per minute from the first queued to the last letter stored;
3. approval to e-mail: ``approve_proposal`` here, the worker builds the letter and sends the
   approval e-mail with it attached (file backend); the median of BENCH_APPROVALS (7).

    TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mc python -m bench.letters

The target is 300 letters per minute for one worker process. The load average is printed with
the numbers, and beside each rate the rate its CPU time alone allows (on a core of its own): on
a shared machine other people's work slows the clock-time rates down. It reports; it does not
fail the run on a busy machine.
"""

import email
import email.policy
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.databases import throwaway_database
from tests.waiting import wait_until

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")
os.environ.setdefault("TESTING", "1")

LETTERS = int(os.environ.get("BENCH_LETTERS", "60"))
APPROVALS = int(os.environ.get("BENCH_APPROVALS", "7"))
WARMUP = 2
TARGET_PER_MINUTE = 300
WAIT_SECONDS = 300
BARE_WEASYPRINT_S = float("nan")  # measured by bench_in_process
BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (our own fixed commands)
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _wait(condition, what: str, log: Path) -> None:
    """Wait for the worker (tests/waiting.py); a timeout stops the run with the log's end."""
    wait_until(
        condition,
        what,
        WAIT_SECONDS,
        lambda: "\n" + log.read_text(errors="replace")[-3000:],
        every=0.05,
        error=SystemExit,
    )


def _load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()  # noqa: UP031


def _cpu_seconds(group: int) -> float:
    """CPU time (user and system) used so far by the processes of a process group (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ..., utime, stime
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _grants(count: int) -> list[int]:
    from tests.factories import GrantFactory

    return [GrantFactory().pk for _ in range(count)]


def bench_in_process(count: int) -> tuple[float, float]:
    """Letters per minute of ``build_award_letter`` called one after the other, here."""
    from grants import letters
    from grants.models import Grant

    for grant_id in _grants(WARMUP):  # fonts, templates, imports
        letters.build_award_letter(grant_id)
    ids = _grants(count)
    started, cpu = time.perf_counter(), time.process_time()
    for grant_id in ids:
        letters.build_award_letter(grant_id)
    per_letter = (time.perf_counter() - started) / count
    cpu_per_letter = (time.process_time() - cpu) / count

    grant = Grant.objects.get(pk=ids[0])
    with letters.translation.override("en"):
        context = letters.letter_context(grant, code="ABCD", version=1, issued_at=None)
        html = letters.render_to_string(letters.TEMPLATE, context)
    cpu = time.process_time()
    for _ in range(10):
        letters.render_pdf(html)
    weasyprint = (time.process_time() - cpu) / 10
    print(
        f"in this process, concurrency 1: {60 / per_letter:6.0f} letters/min "
        f"({per_letter * 1000:.0f} ms a letter; CPU {cpu_per_letter * 1000:.0f} ms a letter, "
        f"of which WeasyPrint {weasyprint * 1000:.0f} ms: {60 / cpu_per_letter:.0f}/min "
        "on a core of its own)"
    )
    print(
        f"bare WeasyPrint on the same HTML: {60 / weasyprint:6.0f} letters/min on a core "
        f"({weasyprint * 1000:.0f} ms CPU); a whole letter costs {cpu_per_letter / weasyprint:.2f} "
        "x that (the template, the QR code, storing the PDF and its row)"
    )
    global BARE_WEASYPRINT_S  # noqa: PLW0603 (the worker's line compares with it)
    BARE_WEASYPRINT_S = weasyprint
    return 60 / per_letter, 60 / cpu_per_letter


def bench_worker(count: int, worker: subprocess.Popen, log: Path) -> tuple[float, float]:
    """Letters per minute of one worker process (-c 1) taking build tasks from Redis."""
    from grants.models import AwardLetter
    from grants.tasks import build_award_letter_task

    warmup = _grants(WARMUP)
    for grant_id in warmup:
        build_award_letter_task.delay(grant_id)
    _wait(lambda: AwardLetter.objects.filter(grant__in=warmup).count() == WARMUP, "warm-up", log)
    ids = _grants(count)
    queued_at, cpu = time.time(), _cpu_seconds(worker.pid)
    for grant_id in ids:
        build_award_letter_task.delay(grant_id)
    built = AwardLetter.objects.filter(grant__in=ids)
    _wait(lambda: built.count() == count, f"{count} letters from the worker", log)
    cpu_per_letter = (_cpu_seconds(worker.pid) - cpu) / count
    last = max(built.values_list("created_at", flat=True)).timestamp()
    per_minute = count / (last - queued_at) * 60
    runs = [
        float(s)
        for s in re.findall(rb"build_award_letter_task.*succeeded in ([0-9.]+)s", log.read_bytes())
    ]
    print(
        f"one worker process (-c 1, Redis): {per_minute:6.0f} letters/min "
        f"({count} letters in {last - queued_at:.1f} s; a task runs "
        f"{statistics.median(runs[WARMUP:] or [0]) * 1000:.0f} ms, median; the worker's CPU "
        f"{cpu_per_letter * 1000:.0f} ms a letter: {60 / cpu_per_letter:.0f}/min on a core of "
        f"its own, {cpu_per_letter / BARE_WEASYPRINT_S:.2f} x bare WeasyPrint's CPU)"
    )
    return per_minute, 60 / cpu_per_letter


def _pdf_attachments(raw: bytes) -> int:
    """PDFs attached to the messages of one file of the file e-mail backend."""
    messages = [m for m in raw.split(b"\n" + b"-" * 79 + b"\n") if m.strip()]
    return sum(
        part.get_content_type() == "application/pdf"
        for message in messages
        for part in email.message_from_bytes(message, policy=email.policy.default).walk()
    )


def bench_approval_to_mail(count: int, mail_dir: Path, log: Path) -> float:
    """Seconds from the approval to the e-mail (with the letter) in the outbox: the median."""
    from decimal import Decimal

    from events.models import Proposal
    from grants.services import approve_proposal
    from organisations.models import Notification
    from tests.factories import (
        CountryProgrammeFactory,
        MembershipFactory,
        PartnerStaffFactory,
        ProposalFactory,
    )

    timings = []  # sent = in the outbox: the worker marks the row sent once the file is written
    for _ in range(count):
        proposal = ProposalFactory(
            organisation=MembershipFactory().organisation,
            country_programme=CountryProgrammeFactory(),
            status=Proposal.Status.SUBMITTED,
            requested_amount=Decimal("400.00"),
        )
        manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
        members = [m.user for m in proposal.organisation.memberships.all()]
        started = time.perf_counter()
        approve_proposal(proposal, actor=manager)
        mail = Notification.objects.filter(kind="proposal_approved", recipient__in=members)
        _wait(lambda q=mail: q.filter(status="sent").exists(), "the approval e-mail", log)
        timings.append(time.perf_counter() - started)
        time.sleep(0.2)  # the file is written; let the worker go idle again
    median = statistics.median(timings)
    attached = sum(_pdf_attachments(path.read_bytes()) for path in mail_dir.iterdir())
    assert attached == count, f"{attached} letters attached to {count} approval e-mails"
    print(
        f"approval to e-mail with the letter attached: median {median * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}, {count} approvals)"
    )
    return median


def _verdict(what: str, per_minute: float, capacity: float) -> None:
    if per_minute >= TARGET_PER_MINUTE:
        print(f"target {TARGET_PER_MINUTE} letters/min ({what}): met, {per_minute:.0f}/min")
        return
    print(
        f"target {TARGET_PER_MINUTE} letters/min ({what}): not met on the clock "
        f"({per_minute:.0f}/min with the machine's other work); its CPU time allows "
        f"{capacity:.0f}/min on a core of its own"
    )


def main() -> int:
    with_worker = bool(shutil.which("redis-server"))
    if not with_worker:
        print("no redis-server here (apt-get install redis-server): in-process numbers only")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench.letters needs DATABASE_URL on PostgreSQL (the worker shares the database)")
    _url, drop_database = throwaway_database("letters_bench")
    folder = Path(tempfile.mkdtemp(prefix="letters-bench-"))
    mail_dir, private_dir = folder / "mail", folder / "private"
    mail_dir.mkdir()
    port = _free_port()
    if with_worker:
        os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    os.environ.update(
        PRIVATE_MEDIA_ROOT=str(private_dir),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    redis_server = worker = None
    try:
        if with_worker:
            redis_server = _start(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
                folder / "redis.log",
            )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"{_load()} ({os.cpu_count()} cores) at the start")
        in_process = bench_in_process(LETTERS)
        if not with_worker:
            _verdict("in one process, concurrency 1", *in_process)
            return 0
        log = folder / "worker.log"
        worker = _start(
            [str(CELERY), "-A", "meetandcode", "worker", "-l", "info", "-c", "1",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             *os.environ.get("BENCH_WORKER_ARGS", "").split()],
            log,
            os.environ.copy(),
        )  # fmt: skip
        _wait(lambda: b" ready." in log.read_bytes() or worker.poll() is not None, "worker", log)
        if worker.poll() is not None:
            raise SystemExit("The worker stopped at start:\n" + log.read_text(errors="replace"))
        per_worker = bench_worker(LETTERS, worker, log)
        bench_approval_to_mail(APPROVALS, mail_dir, log)
        print(f"{_load()} at the end")
        _verdict("one worker process", *per_worker)
        return 0
    finally:
        _stop(worker)
        _stop(redis_server)
        from django.db import connections

        connections.close_all()
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
