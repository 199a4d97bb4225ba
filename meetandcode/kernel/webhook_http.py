"""Sending one webhook (issue 21): signed, to a public address only, within a time limit.

- **Signed**: ``X-MeetAndCode-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
  ``"<unix time>." + body`` with the endpoint's secret; ``verify`` is what a receiver does
  (docs/api.md has it for receivers to copy).
- **Public addresses only**: the name is resolved once; every address it gives must be global
  (no private, loopback, link-local, shared, reserved, multicast or unspecified address, an
  IPv4 address inside IPv6 counted as itself), else ``Refused`` before anything is sent. The
  connection then goes to the address that was checked (the TLS certificate still checked for
  the name), so a name that answers differently a moment later cannot send the request inside.
  Only https, except for the hosts of ``WEBHOOK_ALLOWED_HOSTS`` (empty in production; the test
  suite's receiver on loopback), which are neither checked nor held to https.
- **Time-limited**: connecting and each read wait at most ``timeout`` seconds; the answer's body
  is read to at most 64 kB and dropped.
"""

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "X-MeetAndCode-Signature"
USER_AGENT = "MeetAndCodeGrants-Webhooks/1"
TOLERANCE_SECONDS = 300  # how old a signed timestamp a receiver should accept
ANSWER_BYTES = 65_536


class Refused(Exception):
    """The address may not be called: said in words for the delivery log."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver checks: the HMAC matches and the timestamp is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def _allowed(host: str) -> bool:
    return host in set(getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target(url: str) -> Target:
    """Where ``url`` would be sent, checked; ``Refused`` if it may not be."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    allowed = _allowed(host)
    if parts.scheme != "https" and not (allowed and parts.scheme == "http"):
        raise Refused(_("Only https addresses receive webhooks."))
    if not host or parts.username or parts.password:
        raise Refused(_("The address needs a host name and no user or password."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(_("The host name does not resolve: %(error)s") % {"error": error}) from None
    addresses = [info[4][0] for info in found]
    if not allowed and not all(_public(address) for address in addresses):
        raise Refused(_("The host resolves to a private, local or reserved address."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._tls = ssl.create_default_context()

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):  # allow-listed hosts only (tests)
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def send(url: str, secret: str, body: bytes, *, event_id: str, timeout: float) -> int:
    """POST the signed body; the answer's status. ``Refused``, or OSError (timeouts included),
    when nothing was answered."""
    where = target(url)
    kind = _PinnedHTTPS if where.scheme == "https" else _PinnedHTTP
    connection = kind(where, timeout)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
        "X-MeetAndCode-Delivery": event_id,
    }
    try:
        connection.request("POST", where.path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(ANSWER_BYTES)
        return answer.status
    finally:
        connection.close()
