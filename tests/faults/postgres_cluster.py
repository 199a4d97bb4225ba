"""A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temporary folder, a free port,
trust authentication), which the test may restart: never the machine's PostgreSQL on 5432."""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.integration.conftest import _free_port
from tests.waiting import wait_until


def postgres_bin() -> Path | None:
    """The newest installed server's programs (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


def required_postgres_bin() -> Path:
    """The server's programs, or the test is skipped (fails in CI: tests.conftest)."""
    from tests.conftest import _skip_or_fail

    bin_dir = postgres_bin()
    if bin_dir is None:
        _skip_or_fail("needs PostgreSQL's server programs (apt-get install postgresql)")
    return bin_dir


class PostgresCluster:
    """Its folder is made directly under the system's temporary folder: when the tests run as
    root, the cluster runs as the postgres user, who must reach it (pytest's tmp_path is
    root's alone). ``remove`` deletes it."""

    def __init__(self, bin_dir: Path):
        self.folder, self.bin = Path(tempfile.mkdtemp(prefix="mc-faults-pg-")), bin_dir
        self.data, self.log = self.folder / "data", self.folder / "postgres.log"
        self.port = _free_port()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(  # noqa: S603 (our own fixed command)
            command, timeout=timeout, capture_output=True, cwd=self.folder
        )
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr.decode(errors='replace')}")

    def own_folder(self) -> None:
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            shutil.chown(self.folder, postgres.pw_uid, postgres.pw_gid)

    def init(self) -> None:
        self.own_folder()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    # No durability needed for a test cluster (a base backup of it needs full_page_writes).
    durability = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def _options(self) -> str:
        # The socket in our folder, not /run/postgresql.
        return f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} {self.durability}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                  "-w", "start")  # fmt: skip
        wait_until(self.answers, "the test's PostgreSQL to answer", 30)

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, then the server starts again."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                  "-m", "fast", "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def answers(self) -> bool:
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
