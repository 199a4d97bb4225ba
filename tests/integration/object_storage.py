"""An S3-compatible server of the tests' own: moto's standalone server (``moto_server``, from
requirements-dev.txt) as a process on a free port, spoken to over HTTP like any object storage.
Each test gets two new buckets in it, a public one and a private one."""

import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3

from tests.integration.ports import free_port
from tests.waiting import wait_until

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
KEYS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret"}  # noqa: S105


class S3Server:
    def __init__(self, folder: Path):
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "moto.log"
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own fixed command)
                [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._answers, "the S3 server to answer", 30,
                   lambda: log.read_text(errors="replace")[-2000:])  # fmt: skip

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url, timeout=1)  # noqa: S310 (our own local server)
        except urllib.error.HTTPError:
            return True  # it answered (an anonymous list of buckets may be refused)
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
        )

    def new_buckets(self) -> dict[str, str]:
        """A public and a private bucket of their own, as the app's environment names them."""
        suffix = uuid.uuid4().hex[:12]
        buckets = {"S3_PUBLIC_BUCKET": f"public-{suffix}", "S3_PRIVATE_BUCKET": f"private-{suffix}"}
        client = self.client()
        for name in buckets.values():
            client.create_bucket(Bucket=name)
        return {**buckets, **KEYS, "S3_ENDPOINT_URL": self.url, "S3_REGION": "us-east-1"}

    def objects(self, bucket: str) -> dict[str, bytes]:
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {
            item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listed
        }
