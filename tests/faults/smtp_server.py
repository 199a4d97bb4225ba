"""A real SMTP server for the tests (aiosmtpd, in a thread, on a free port) whose answers the
test sets: "421 try later" for the first messages, then "550 refused", then accept."""

from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.integration.conftest import _free_port


@dataclass
class ScriptedHandler:
    """Answers each message (the DATA command) with the next scripted reply; once the script is
    used up, with ``then``. Records every attempt and every accepted message."""

    script: list[str] = field(default_factory=list)
    then: str = "250 OK"
    attempts: list[str] = field(default_factory=list)
    accepted: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        reply = self.script.pop(0) if self.script else self.then
        self.attempts.append(reply)
        if reply.startswith("250"):
            self.accepted.append(envelope.content)
        return reply


class SmtpServer:
    def __init__(self, handler: ScriptedHandler):
        self.handler = handler
        self.port = _free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
