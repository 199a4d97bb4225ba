"""A partner's webhook endpoint on loopback for the tests: keeps what it got (headers, body),
answers with the statuses it is told, one per request (then 204), optionally slowly. Loopback is
allow-listed only while the fixture runs (WEBHOOK_ALLOWED_HOSTS, a setting no installation sets).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from meetandcode.kernel.webhook_http import SIGNATURE_HEADER, verify


class Receiver(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.got: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/meetandcode"

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.got]

    def all_signed_with(self, secret: str) -> bool:
        """What the receiver does first: every request's signature checks with the secret."""
        return bool(self.got) and all(
            verify(secret, headers[SIGNATURE_HEADER], body) for headers, body in self.got
        )


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((dict(self.headers), body))
        time.sleep(self.server.delay)
        status = self.server.answers.pop(0) if self.server.answers else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = Receiver()
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    # shutdown() waits for the loop to look again: every 50 ms, not the default 500 ms
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
