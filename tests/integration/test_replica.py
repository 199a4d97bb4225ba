"""Reads from a real streaming replica (DATABASE_REPLICA_URL): a test primary of its own, a base
backup of it (pg_basebackup) started as a hot standby on another port, the schema migrated on the
primary and streamed. The checks (tests/integration/replica_checks.py) run in a process configured
with both, pausing the replica's replay to make it lag: public pages read the replica, never
keep an older copy than their version, and an approval decides on the primary's budget; with
the replica stopped, the public pages read the primary."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.faults.postgres_cluster import PostgresCluster, required_postgres_bin

pytestmark = [pytest.mark.postgres]


class Replica(PostgresCluster):
    """A hot standby made from a base backup of ``primary``, streaming from it."""

    def __init__(self, bin_dir, primary: PostgresCluster):
        super().__init__(bin_dir)
        self.primary = primary

    def init(self) -> None:
        self.own_folder()
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.data), "--write-recovery-conf", "--wal-method=stream",
            "--checkpoint=fast",
        )  # fmt: skip


@pytest.fixture
def replicated():
    bin_dir = required_postgres_bin()
    primary = PostgresCluster(bin_dir)
    primary.durability = "-c fsync=off -c synchronous_commit=off"  # a base backup needs FPWs
    standby = Replica(bin_dir, primary)
    try:
        primary.init()
        primary.start()
        standby.init()
        standby.start()
        primary.create_database("meetandcode")
        yield primary, standby
    finally:
        standby.remove()
        primary.remove()


def test_public_pages_read_the_replica_and_approvals_the_primary_while_it_lags(replicated):
    primary, standby = replicated
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meetandcode.settings",
        "TESTING": "1",
        "DEBUG": "0",
        "DATABASE_URL": primary.url("meetandcode"),
        "DATABASE_REPLICA_URL": standby.url("meetandcode"),
        "REDIS_URL": "",  # a cache of this process's own; tasks in-process
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PRIVATE_MEDIA_ROOT": str(primary.folder / "private"),
        "LOG_LEVEL": "WARNING",
    }
    run = {"cwd": settings.BASE_DIR, "env": env, "capture_output": True, "timeout": 600}
    migrated = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], **run
    )
    assert migrated.returncode == 0, migrated.stderr.decode()[-3000:]

    checked = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-m", "tests.integration.replica_checks"], **run
    )

    output = (checked.stdout + checked.stderr).decode(errors="replace")
    assert checked.returncode == 0, output[-6000:]
    assert "replica checks passed" in output

    standby.stop()  # the replica's host is away: the public pages read the primary
    away = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-m", "tests.integration.replica_checks", "away"], **run
    )
    output = (away.stdout + away.stderr).decode(errors="replace")
    assert away.returncode == 0, output[-6000:]
