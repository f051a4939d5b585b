"""A small threaded HTTP server that an emulator plugs its routes into.

Each emulator answers plain `EmulatorRequest` objects with `EmulatorResponse` objects;
this module does the HTTP, the control endpoints (`/__emulator__/...`) and the failure
queue that makes the next requests fail the way a real network fails.
"""

from __future__ import annotations

import html
import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

#: Failure kinds every emulator understands, and the HTTP status each one maps from.
FAILURE_KINDS = (
    "unauthorized",
    "duplicate",
    "rate_limited",
    "server_error",
    "timeout",
    "timeout_after_success",
    "html",
    "empty_success",
    "media_refused",
    "pin_refused",
    "moderation_refused",
)
STATUS_KINDS = {401: "unauthorized", 403: "duplicate", 429: "rate_limited"}


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes


@dataclass
class EmulatorRequest:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # absolute, as the client addressed it (OAuth1 signs it)
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def param(self, name: str) -> str | None:
        """A value from the form body or else the query string."""
        return self.form.get(name, self.query.get(name))


@dataclass
class EmulatorResponse:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> EmulatorResponse:
        return cls(status, json.dumps(data).encode(), headers=dict(headers or {}))

    @classmethod
    def html(cls, body: str, status: int = 200) -> EmulatorResponse:
        return cls(status, body.encode(), "text/html; charset=utf-8")

    @classmethod
    def form(cls, fields: dict[str, str], status: int = 200) -> EmulatorResponse:
        return cls(
            status, urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )

    @classmethod
    def redirect(cls, location: str) -> EmulatorResponse:
        return cls(302, b"", "text/plain", {"Location": location})


@dataclass
class Failure:
    """One queued failure: the next `times` matching requests fail as `kind`."""

    kind: str
    times: int = 1
    status: int | None = None
    retry_after: int = 60
    hold_seconds: float = 5.0
    path_contains: str | None = None

    def matches(self, request: EmulatorRequest) -> bool:
        return self.path_contains is None or self.path_contains in request.path


class Emulator:
    """Base of the network emulators: lifecycle, control endpoints, failure queue.

    Subclasses implement `route(request)`, `failure_response(failure, request)`,
    `snapshot()` (the JSON state) and `timeline_html()`.
    """

    title: ClassVar[str] = "Emulator"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.port = port
        self.clock = clock
        self.lock = threading.RLock()
        self._failures: list[Failure] = []
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = 0

    # --- lifecycle ---------------------------------------------------------------
    def start(self) -> Emulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = _QuietServer((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._released.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.title} emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # let any held ("timeout") response go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- the Python API for tests --------------------------------------------------
    def fail_next(
        self,
        kind: str | None = None,
        *,
        status: int | None = None,
        times: int = 1,
        retry_after: int = 60,
        hold_seconds: float = 5.0,
        path_contains: str | None = None,
    ) -> None:
        """Make the next `times` API requests fail like the real network does.

        Args:
            kind: one of FAILURE_KINDS; or leave it out and give `status` (401, 403,
                429, or 5xx) for the matching kind.
            status: the HTTP status for "html" and "server_error" (default 200 / 500).
            retry_after: seconds until the rate limit resets ("rate_limited").
            hold_seconds: how long "timeout" holds the answer (longer than the
                client's timeout); stopping or resetting the emulator lets it go.
                "timeout_after_success" does the work first, then holds the answer:
                the post exists but the client never hears so.
            path_contains: only fail requests whose path contains this.
        """
        for name, value in (("times", times), ("retry_after", retry_after)):
            if not isinstance(value, int) or value < (1 if name == "times" else 0):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
        if not isinstance(hold_seconds, int | float) or hold_seconds < 0:
            raise ValueError(f"hold_seconds must be a number, not {hold_seconds!r}")
        if status is not None and not isinstance(status, int):
            raise ValueError(f"status must be an HTTP status code, not {status!r}")
        if kind is None:
            if status is None:
                raise ValueError("fail_next needs a kind or a status")
            kind = STATUS_KINDS.get(status) or ("server_error" if status >= 500 else "")
            if not kind:
                raise ValueError(
                    f"no failure kind for status {status}; use 401, 403, 429 or 5xx, "
                    "or give a kind"
                )
        if kind not in FAILURE_KINDS:
            raise ValueError(
                f"unknown failure kind {kind!r}; use one of: {', '.join(FAILURE_KINDS)}"
            )
        with self.lock:
            self._failures.append(
                Failure(kind, times, status, retry_after, hold_seconds, path_contains)
            )

    def reset(self) -> None:
        """Forget every post and queued failure (credentials stay as configured)."""
        self._released.set()
        with self.lock:
            self._failures.clear()
            self.clear_state()
        self._released.clear()

    def state(self) -> dict[str, Any]:
        with self.lock:
            return self.snapshot()

    # --- for subclasses ----------------------------------------------------------
    def next_number(self) -> int:
        with self.lock:
            self._counter += 1
            return self._counter

    def hold(self, seconds: float) -> None:
        """Hold a response (a "timeout"), unless the emulator stops or resets first."""
        self._released.wait(seconds)

    def clear_state(self) -> None:
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        raise NotImplementedError

    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        raise NotImplementedError

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        raise NotImplementedError

    def timeline_html(self) -> str:
        raise NotImplementedError

    def serve_file(self, request: EmulatorRequest) -> EmulatorResponse | None:
        """Pages for people and uploaded images; None for API requests."""
        return None

    def extra_control(
        self, action: str, request: EmulatorRequest
    ) -> EmulatorResponse | None:
        """A network's own control actions (`/__emulator__/<action>`), or None."""
        return None

    # --- dispatch ----------------------------------------------------------------
    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        if request.path.startswith("/__emulator__/"):
            return self._control(request)
        if request.path == "/" and request.method == "GET":
            with self.lock:
                return EmulatorResponse.html(self.timeline_html())
        page = self.serve_file(request)
        if page is not None:
            return page
        failure = self._take_failure(request)
        if failure is not None:
            if failure.kind == "timeout":
                self.hold(failure.hold_seconds)
                return EmulatorResponse.json({"error": "held too long"}, 504)
            if failure.kind == "timeout_after_success":
                with self.lock:
                    response = self.route(request)
                self.hold(failure.hold_seconds)
                return response
            if failure.kind == "empty_success":
                return EmulatorResponse.json({}, failure.status or 200)
            if failure.kind == "html":
                return EmulatorResponse.html(
                    "<!DOCTYPE html><html><body><h1>Something went wrong</h1>"
                    "<p>Try again later.</p></body></html>",
                    failure.status or 200,
                )
            with self.lock:
                return self.failure_response(failure, request)
        with self.lock:
            return self.route(request)

    def _take_failure(self, request: EmulatorRequest) -> Failure | None:
        with self.lock:
            for failure in self._failures:
                if failure.matches(request):
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                    return failure
        return None

    def _control(self, request: EmulatorRequest) -> EmulatorResponse:
        action = request.path.removeprefix("/__emulator__/")
        if action == "state" and request.method == "GET":
            return EmulatorResponse.json(self.state())
        if action == "reset" and request.method == "POST":
            self.reset()
            return EmulatorResponse.json({"reset": True})
        if action == "fail" and request.method == "POST":
            options = request.json()
            if not isinstance(options, dict):
                return EmulatorResponse.json({"error": "send a JSON object"}, 400)
            allowed = {
                "kind",
                "status",
                "times",
                "retry_after",
                "hold_seconds",
                "path_contains",
            }
            unknown = set(options) - allowed
            if unknown:
                return EmulatorResponse.json(
                    {"error": f"unknown option(s): {', '.join(sorted(unknown))}"}, 400
                )
            try:
                self.fail_next(**options)
            except (TypeError, ValueError) as error:
                return EmulatorResponse.json({"error": str(error)}, 400)
            return EmulatorResponse.json({"queued": options})
        extra = self.extra_control(action, request)  # takes the lock itself
        if extra is not None:
            return extra
        return EmulatorResponse.json({"error": f"no control action {action!r}"}, 404)


def page(title: str, body: str) -> str:
    """A plain, readable HTML page for the timelines."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
        "padding:0 1rem;color:#1a1a1a}"
        "article{border:1px solid #ccc;border-radius:.5rem;padding:1rem;margin:1rem 0}"
        "img{max-width:100%;height:auto}.meta{color:#555;font-size:.9rem}"
        ".pinned{font-weight:bold;color:#7a4b00}p{white-space:pre-wrap}"
        "</style></head><body>"
        f"{body}</body></html>"
    )


def parse_request(
    method: str, target: str, headers: dict[str, str], body: bytes
) -> EmulatorRequest:
    """Turn raw HTTP pieces into an `EmulatorRequest`, form and multipart parsed."""
    parts = urlsplit(target)
    request = EmulatorRequest(
        method=method,
        path=parts.path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        raw_query=parts.query,
        headers=headers,
        body=body,
        url=f"http://{headers.get('host', '127.0.0.1')}{target}",
    )
    content_type = request.content_type
    if content_type.startswith("application/x-www-form-urlencoded"):
        request.form = dict(parse_qsl(body.decode("utf-8", "replace"), True))
    elif content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                request.files[name] = UploadedFile(
                    filename, part.get_content_type(), payload
                )
            else:
                request.form[name] = payload.decode("utf-8", "replace")
    return request


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (its timeout) closes the socket under a held
        # response; that is the point of the "timeout" failure, not an error.
        return


class _Handler(BaseHTTPRequestHandler):
    emulator: ClassVar[Emulator]
    protocol_version = "HTTP/1.1"

    def _dispatch(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = parse_request(self.command, self.path, headers, body)
        try:
            response = self.emulator.handle(request)
        except Exception as error:  # noqa: BLE001 (a bug here must answer, not hang up)
            traceback.print_exc()
            response = EmulatorResponse.json(
                {"error": f"the emulator failed: {type(error).__name__}: {error}"}, 500
            )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = do_PURGE = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        return  # the tests and `serve` stay quiet; the adapters log their side
