"""Loopback mail: an SMTP sink (aiosmtpd) and a Postmark-style email API.

``MailSink`` is a real SMTP server on a free port that keeps every message it accepts,
with a web page listing them (`make run` shows it beside the network emulators).
Django's SMTP backend talks to it as to any mail server. It can be told to refuse:
``refuse_recipients(code)`` (550: no such mailbox; 451: try later) and
``fail_after(accepted, code)`` (accepts that many more messages, then answers every
new one with ``code``, as a server going down mid-batch does).

``PostmarkEmulator`` answers Postmark's ``POST /email`` (the API anymail's Postmark
backend calls) over real HTTP: it checks ``X-Postmark-Server-Token``, keeps the
message and returns a ``MessageID``; the shared failure queue makes it answer 429,
500, hang, or refuse an inactive recipient (422 with ``ErrorCode`` 406).
"""

from __future__ import annotations

import email
import email.policy
import html
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiosmtpd.controller import Controller

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

DEMO_POSTMARK_TOKEN = "demo-postmark-server-token"  # noqa: S105 - the emulator's own


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def header(self, name: str) -> str:
        return str(self.message[name] or "")

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_multipart():
                return part.get_content()
        return ""

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


class _Handler:
    def __init__(self, sink: MailSink):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        refusal = self.sink._refusal_for_new_message()
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.recipient_refusal:
            return self.sink.recipient_refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        self.sink._keep(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)
        )
        return "250 Message accepted for delivery"


class MailSink(Emulator):
    """An SMTP server that keeps what it is sent, and a page listing it."""

    title = "Mail sink"

    def __init__(self, *, smtp_port: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.smtp_port = smtp_port
        self.received: list[ReceivedMail] = []
        self.recipient_refusal = ""
        self._accept_before_failing: int | None = None
        self._failure_reply = ""
        self._smtp_lock = threading.Lock()
        self._controller: Controller | None = None

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> MailSink:
        super().start()
        self.smtp_start()
        return self

    def stop(self) -> None:
        self.smtp_stop()
        super().stop()

    def smtp_start(self) -> None:
        """Start (or start again, on the same port) the SMTP server."""
        if not self.smtp_port:
            # aiosmtpd's controller checks it is up by connecting to its port, so
            # it needs a real one: ask the system for a free port first.
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.smtp_port = probe.getsockname()[1]
        self._controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.smtp_port,
            enable_SMTPUTF8=True,
            ready_timeout=10,
        )
        self._controller.start()

    def smtp_stop(self) -> None:
        """The mail server goes down: connections are refused until smtp_start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    # --- telling it to fail ------------------------------------------------------
    def refuse_recipients(self, code: int = 550) -> None:
        """Refuse every recipient with ``code`` (550 for good, 451 for now)."""
        meaning = "No such mailbox" if code >= 500 else "Try again later"
        self.recipient_refusal = f"{code} {meaning}" if code else ""

    def fail_after(self, accepted: int, code: int = 421) -> None:
        """Accept ``accepted`` more messages, then answer each new one with ``code``."""
        with self._smtp_lock:
            self._accept_before_failing = accepted
            self._failure_reply = f"{code} Service not available, try again later"

    def _refusal_for_new_message(self) -> str:
        with self._smtp_lock:
            if self._accept_before_failing is None:
                return ""
            if self._accept_before_failing > 0:
                self._accept_before_failing -= 1
                return ""
            return self._failure_reply

    def _keep(self, mail: ReceivedMail) -> None:
        with self.lock:
            self.received.append(mail)

    def to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [m for m in self.received if address in m.recipients]

    # --- the Emulator contract -----------------------------------------------------
    def clear_state(self) -> None:
        self.received = []
        self.recipient_refusal = ""
        self._accept_before_failing = None

    def snapshot(self) -> dict[str, Any]:
        return {
            "smtp_port": self.smtp_port,
            "messages": [
                {
                    "from": m.sender,
                    "to": m.recipients,
                    "subject": m.subject,
                    "text": m.text,
                }
                for m in self.received
            ],
        }

    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        return EmulatorResponse.json({"error": "the sink speaks SMTP"}, 404)

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        return EmulatorResponse.json({"error": failure.kind}, failure.status or 500)

    def timeline_html(self) -> str:
        items = "".join(
            "<article>"
            f"<p class='meta'>To {html.escape(', '.join(m.recipients))}</p>"
            f"<h2>{html.escape(m.subject)}</h2><p>{html.escape(m.text)}</p>"
            "</article>"
            for m in reversed(self.received)
        )
        heading = f"<h1>{self.title}: SMTP on port {self.smtp_port}</h1>"
        return page(self.title, heading + (items or "<p>Nothing received yet.</p>"))


class PostmarkEmulator(Emulator):
    """Postmark's ``POST /email``, as anymail's Postmark backend calls it."""

    title = "Email provider (Postmark API)"

    def __init__(self, *, server_token: str = DEMO_POSTMARK_TOKEN, **kwargs: Any):
        super().__init__(**kwargs)
        self.server_token = server_token
        self.sent: list[dict[str, Any]] = []

    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        if request.headers.get("x-postmark-server-token") != self.server_token:
            return EmulatorResponse.json(
                {
                    "ErrorCode": 10,
                    "Message": "Request does not contain a valid Server token.",
                },
                401,
            )
        if request.method != "POST" or request.path != "/email":
            return EmulatorResponse.json(
                {"ErrorCode": 404, "Message": "Not found"}, 404
            )
        message = request.json()
        if not isinstance(message, dict) or not message.get("To"):
            return EmulatorResponse.json(
                {"ErrorCode": 300, "Message": "Invalid email request"}, 422
            )
        message_id = str(uuid.uuid4())
        self.sent.append({**message, "MessageID": message_id})
        return EmulatorResponse.json(
            {
                "To": message["To"],
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            }
        )

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if failure.kind == "rate_limited":
            return EmulatorResponse.json(
                {"ErrorCode": 429, "Message": "Rate limit exceeded"},
                429,
                {"Retry-After": str(failure.retry_after)},
            )
        if failure.kind == "duplicate":  # an address Postmark has marked inactive
            message = request.json()
            to = message.get("To", "") if isinstance(message, dict) else ""
            return EmulatorResponse.json(
                {
                    "ErrorCode": 406,
                    "Message": "You tried to send to a recipient that has been marked "
                    f"as inactive.\n Found inactive addresses: {to.lower()}.\n "
                    "Inactive recipients are ones that have generated a hard bounce "
                    "or a spam complaint. ",
                },
                422,
            )
        return EmulatorResponse.json(
            {"ErrorCode": 500, "Message": "Internal server error"},
            failure.status or 500,
        )

    def snapshot(self) -> dict[str, Any]:
        return {"sent": list(self.sent)}

    def clear_state(self) -> None:
        self.sent = []

    def timeline_html(self) -> str:
        items = "".join(
            f"<article><p class='meta'>To {html.escape(str(m.get('To')))}</p>"
            f"<h2>{html.escape(str(m.get('Subject')))}</h2></article>"
            for m in reversed(self.sent)
        )
        return page(self.title, items or "<p>Nothing sent yet.</p>")
