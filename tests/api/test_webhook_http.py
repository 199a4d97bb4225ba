"""Sending one webhook: the signature a receiver checks, addresses that are never called (checked
after the name is resolved), and a real receiver on loopback (allow-listed, as only tests do)
that checks the signature, answers 500 or takes too long."""

import json
import time

import pytest

from meetandcode.kernel.webhook_http import (
    SIGNATURE_HEADER,
    TOLERANCE_SECONDS,
    Refused,
    send,
    signature,
    target,
    verify,
)

SECRET = "whsec-test-only"
BODY = json.dumps({"kind": "event.published", "event": {"id": 7}}).encode()


def test_a_signature_verifies_only_for_the_same_secret_body_and_a_recent_time():
    now = int(time.time())
    header = signature(SECRET, now, BODY)
    assert header.startswith(f"t={now},v1=") and verify(SECRET, header, BODY)
    assert not verify("another-secret", header, BODY)
    assert not verify(SECRET, header, BODY + b" ")
    old = signature(SECRET, now - TOLERANCE_SECONDS - 1, BODY)
    assert not verify(SECRET, old, BODY)  # a replayed old delivery
    assert not verify(SECRET, "v1=nothing", BODY)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",  # not https
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",  # a name that resolves to loopback
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "https://100.64.0.1/hook",  # shared address space
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",  # loopback inside IPv6
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://user:pass@93.184.215.14/hook",
    ],
)
def test_private_local_and_reserved_addresses_are_refused_before_sending(url):
    with pytest.raises(Refused):
        target(url)


def test_a_public_address_is_called_at_the_address_that_was_checked():
    where = target("https://93.184.215.14:8443/in?x=1")
    assert (where.host, where.port, where.path, where.address) == (
        "93.184.215.14",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


def test_the_receiver_gets_a_body_it_can_verify_and_its_answer_is_returned(receiver):
    receiver.answers = [500, 204]
    assert send(receiver.url, SECRET, BODY, event_id="d-1", timeout=5) == 500
    assert send(receiver.url, SECRET, BODY, event_id="d-1", timeout=5) == 204
    (headers, body), _again = receiver.got
    assert body == BODY and headers["Content-Type"] == "application/json"
    assert verify(SECRET, headers[SIGNATURE_HEADER], body)
    assert headers["X-MeetAndCode-Delivery"] == "d-1"


def test_a_receiver_that_takes_too_long_is_given_up(receiver):
    receiver.delay = 2.0
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        send(receiver.url, SECRET, BODY, event_id="d-2", timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_loopback_is_refused_unless_allow_listed(receiver, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(Refused):
        send(receiver.url, SECRET, BODY, event_id="d-3", timeout=5)
    assert receiver.got == []


def test_the_receivers_check_in_docs_api_md_accepts_what_is_sent():
    from pathlib import Path

    from django.conf import settings

    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    snippet = docs.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(snippet, scope)  # noqa: S102 (our own documentation's example)
    check = scope["is_from_meet_and_code"]
    header = signature(SECRET, int(time.time()), BODY)
    assert check(SECRET, header, BODY)
    assert not check(SECRET, header, BODY + b"x") and not check("other", header, BODY)
