"""Two hosts in one test: two gunicorn instances and two Celery workers, each with local folders of
its own, on the shared PostgreSQL, Redis and object storage (a real S3 server process). A
journey crosses them over real HTTP: sign up on one, confirm on the other, submit, approve, the
letter built by whichever worker, downloaded through the other host, a report's receipt uploaded
through one and read back through the other. Nothing is lost or duplicated; a reminder sweep
that two beats would run at once reminds once; each host's /metrics adds up its processes."""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from events.models import Event, Proposal, Reminder, ReportFile
from grants.models import AwardLetter, Grant
from meetandcode.celery import app as celery_app
from organisations.models import Membership, Notification, PartnerStaff
from tests.events.test_report_uploads import PDF
from tests.events.test_reports import approved_event, with_costs
from tests.factories import PartnerStaffFactory, log_in_with_second_factor
from tests.faults import journey
from tests.integration.conftest import _free_port, database_url, sent_mails
from tests.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

GUNICORN = Path(sys.executable).with_name("gunicorn")
EMAIL, PASSWORD = "volunteer@codeclub.example.org", "a-long-password-for-two-hosts"
METRICS_TOKEN = "two-hosts-metrics-token"  # noqa: S105
IGNORED = ("metrics", "healthz")  # asked by this test's scrapes and its wait for the hosts


class Host:
    """One web host: gunicorn (two processes) with folders of its own."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]):
        self.name, self.port = name, _free_port()
        self.log, self.process = folder / f"{name}-gunicorn.log", None
        self.env = env | {
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "MEDIA_ROOT": str(folder / name / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / name / "private"),
            "PROMETHEUS_MULTIPROC_DIR": str(folder / name / "metrics"),
        }
        self.sent: dict[str, int] = {}  # requests this test sent here, by path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own fixed command)
                [str(GUNICORN), "-c", "gunicorn.conf.py", "meetandcode.wsgi"],
                cwd=settings.BASE_DIR, env=self.env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until(self._answers, f"{self.name} to answer", 90, self.logs)

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.base}/healthz", timeout=5).status_code in (200, 503)
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def logs(self) -> str:
        return f"\n--- {self.log.name}:\n" + self.log.read_text(errors="replace")[-3000:]

    def files_on_disk(self) -> list[Path]:
        roots = [Path(self.env["MEDIA_ROOT"]), Path(self.env["PRIVATE_MEDIA_ROOT"])]
        return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


class Person:
    """A browser's cookies, used on either host; POSTs carry the CSRF token as a browser's form."""

    def __init__(self):
        self.session = requests.Session()

    def cookie_from(self, client: Client) -> "Person":
        self.session.cookies.set("sessionid", client.cookies["sessionid"].value)
        return self

    def get(self, host: Host, path: str, **kwargs) -> requests.Response:
        host.sent[path] = host.sent.get(path, 0) + 1
        return self.session.get(host.base + path, timeout=30, allow_redirects=False, **kwargs)

    def post(self, host: Host, path: str, data: dict, files=None) -> requests.Response:
        if "csrftoken" not in self.session.cookies:
            self.get(host, "/privacy/")  # any page with a form sets the cookie
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        host.sent[path] = host.sent.get(path, 0) + 1
        return self.session.post(host.base + path, data=data, files=files, timeout=60,
                                 allow_redirects=False)  # fmt: skip


@pytest.fixture
def hosts(tmp_path, s3_server, broker, mail_dir, workers):
    shared = {
        **os.environ,
        **s3_server.new_buckets(),
        "DJANGO_SETTINGS_MODULE": "meetandcode.settings",
        "TESTING": "1",
        "DEBUG": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker.url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "METRICS_TOKEN": METRICS_TOKEN,
        "PUBLIC_PAGE_SECONDS": "30",
        "LOG_LEVEL": "WARNING",
    }
    one, two = Host("one", tmp_path, shared), Host("two", tmp_path, shared)
    for index in (1, 2):
        worker_folders = {
            "MEDIA_ROOT": str(tmp_path / f"worker-{index}" / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / f"worker-{index}" / "private"),
        }
        workers.start(**{k: v for k, v in shared.items() if k.startswith(("S3_", "METRICS"))},
                      **worker_folders)  # fmt: skip
    try:
        one.start()
        two.start()
        yield one, two, shared
    finally:
        one.stop()
        two.stop()


def sign_up_on_one_and_confirm_on_the_other(one: Host, two: Host, mail_dir: Path) -> Person:
    volunteer = Person()
    signed_up = volunteer.post(one, "/accounts/signup/", {
        "email": EMAIL, "password1": PASSWORD, "password2": PASSWORD, "accept_privacy": "on",
    })  # fmt: skip
    assert signed_up.status_code == 302, signed_up.text[:2000]
    wait_until(lambda: any(EMAIL in str(m["To"]) for m in sent_mails(mail_dir)),
               "the confirmation e-mail", 30)  # fmt: skip
    [mail] = [m for m in sent_mails(mail_dir) if EMAIL in str(m["To"])]
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.get_content()).group(1)
    confirmed = volunteer.post(two, link, {})
    assert confirmed.status_code == 302, confirmed.text[:2000]
    assert volunteer.get(one, reverse("organisations:mine")).status_code == 200  # on both hosts
    return volunteer


def scrape(host: Host) -> dict[tuple, float]:
    answer = requests.get(f"{host.base}/metrics", timeout=30,
                          headers={"Authorization": f"Bearer {METRICS_TOKEN}"})  # fmt: skip
    assert answer.status_code == 200, answer.text[:500]
    counts: dict[tuple, float] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if sample.name == "meetandcode_http_requests_total":
                key = (sample.labels["view"], sample.labels["status"])
                counts[key] = counts.get(key, 0) + sample.value
    return counts


def test_a_journey_across_two_hosts_loses_and_duplicates_nothing(
    hosts,
    tmp_path,
    s3_server,
    mail_dir,
    workers,
):
    one, two, shared = hosts
    volunteer = sign_up_on_one_and_confirm_on_the_other(one, two, mail_dir)

    # The organisation and its draft (the proposal form is tested elsewhere), then submitted on
    # host one and approved by the partner's manager on host two.
    programme = journey.open_programme()
    proposal, _owner = journey.submittable_draft(programme, email="owner@two-hosts.example.org")
    user = Membership.objects.get(organisation=proposal.organisation).user
    Membership.objects.create(user=type(user).objects.get(email=EMAIL),
                              organisation=proposal.organisation, role="owner",
                              status=Membership.Status.ACTIVE)  # fmt: skip
    submitted = volunteer.post(one, reverse("events:submit", args=[proposal.pk]), {})
    assert submitted.status_code == 302, submitted.text[:2000]
    manager = Person().cookie_from(log_in_with_second_factor(Client(), manager_of(programme)))
    approve = reverse("grants:approve", args=[proposal.pk])
    approved = manager.post(two, approve, {"amount": "400.00"})
    assert approved.status_code in (200, 302), approved.text[:2000]
    grant = Grant.objects.get(proposal=proposal)

    # The letter: built once by one of the two workers, into the private bucket; downloaded on
    # host one, whose own folders never held it.
    wait_until(lambda: AwardLetter.objects.filter(grant=grant).exists(), "the award letter", 60,
               workers.logs)  # fmt: skip
    letter = AwardLetter.objects.get(grant=grant)
    in_bucket = s3_server.objects(shared["S3_PRIVATE_BUCKET"])
    assert [name for name in in_bucket if name.startswith("letters/")] == [letter.file.name]
    downloaded = volunteer.get(one, reverse("letters:download", args=[grant.pk]))
    assert downloaded.status_code == 200 and downloaded.content == in_bucket[letter.file.name]

    # The report: the event took place; a receipt uploaded through host two, read through one.
    took_place(proposal, timezone.now() - timedelta(days=1))
    uploaded = volunteer.post(
        two,
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": "receipt"},
        files={"files": ("invoice.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    receipt = ReportFile.objects.get(report__proposal=proposal)
    assert volunteer.get(one, reverse("events:report_file", args=[receipt.pk])).content == PDF
    proposal.refresh_from_db()
    handed_in = volunteer.post(one, reverse("events:report_submit", args=[proposal.pk]),
                               with_costs(proposal))  # fmt: skip
    assert handed_in.status_code == 302, handed_in.text[:3000]

    # Nothing lost, nothing twice: one grant, one letter, one approval e-mail, no local files.
    assert Grant.objects.filter(proposal=proposal).count() == 1
    assert AwardLetter.objects.filter(grant=grant).count() == 1
    wait_until(lambda: not Notification.objects.filter(status__in=["pending", "sending"]).exists(),
               "every notification sent", 60, workers.logs)  # fmt: skip
    members = Membership.objects.filter(organisation=proposal.organisation, status="active")
    approvals = Notification.objects.filter(kind="proposal_approved",
                                            context__reference=grant.reference)  # fmt: skip
    assert sorted(approvals.values_list("recipient", flat=True)) == sorted(
        members.values_list("user", flat=True)
    )
    assert set(approvals.values_list("status", flat=True)) == {"sent"}
    letters_mailed = [m for m in sent_mails(mail_dir) if any(
        part.get_content_type() == "application/pdf" for part in m.walk())]  # fmt: skip
    assert len(letters_mailed) == approvals.count()  # each approval e-mail once, with its letter
    assert one.files_on_disk() == [] and two.files_on_disk() == []
    assert [p for p in tmp_path.glob("worker-*/**/*") if p.is_file()] == []  # nor the workers'

    # Two beats on two hosts would send the same sweep twice: one reminder all the same.
    due, _ = approved_event(programme=programme)
    took_place(due, timezone.now() - timedelta(hours=programme.report_deadline_hours + 1))
    for _ in range(2):
        celery_app.send_task("grants.tasks.send_report_reminders")
    wait_until(lambda: Reminder.objects.filter(proposal=due).exists(), "the reminder", 60,
               workers.logs)  # fmt: skip
    time.sleep(2)  # the second sweep, on the other worker, has had its chance
    assert Reminder.objects.filter(proposal=due).count() == 1

    # Each host's /metrics adds up its two processes, whichever answers: every request this
    # test sent to it (the privacy page, many at once, so that both processes serve some).
    for host in (one, two):
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(partial(volunteer.get, host), [reverse("privacy")] * 40))
        pids = {
            path.stem.rsplit("_", 1)[-1]
            for path in Path(host.env["PROMETHEUS_MULTIPROC_DIR"]).glob("counter_*.db")
        }
        assert len(pids) == 2, pids
        for _ in range(4):
            counted = scrape(host)
            total = sum(n for (view, _status), n in counted.items() if view not in IGNORED)
            assert total == sum(host.sent.values())


def manager_of(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


def took_place(proposal, moment) -> None:
    """The event was held at ``moment`` (its report opens then, its reminders count from it)."""
    Proposal.objects.filter(pk=proposal.pk).update(starts_at=moment, ends_at=moment)
    Event.objects.filter(proposal=proposal).update(starts_at=moment, ends_at=moment)
