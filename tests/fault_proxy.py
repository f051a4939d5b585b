"""A small threaded HTTP proxy that loses or garbles answers, for the ledger's tests.

It sits between an adapter (real tweepy / facebook-sdk over requests) and a loopback
emulator, and passes every request through unchanged (the Host header too, so OAuth
signatures still verify), except the ones a test asked it to spoil:

- ``"drop_request"``: read the request, then hang up without forwarding it (the
  network never hears of it; the client cannot know that);
- ``"drop_response"``: forward the request, let the network answer, then hang up
  without passing the answer on (the post exists; the client never hears so);
- ``"hold"``: forward the request, then hold the answer back until the proxy stops
  (a send in flight when its worker is killed);
- ``"html"``, ``"empty"``, ``"no_id"``: forward the request, throw the network's
  answer away and answer 200 with a web page, an empty body, or JSON without an id
  (a broken gateway after the post was made).

One upstream connection per request; the client's connection is kept alive between
requests as HTTP/1.1 allows.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

FAULTS = ("drop_request", "drop_response", "hold", "html", "empty", "no_id")
_MALFORMED = {
    "html": (
        "text/html; charset=utf-8",
        b"<!DOCTYPE html><html><body><h1>Bad gateway</h1></body></html>",
    ),
    "empty": ("application/json", b""),
    "no_id": ("application/json", b'{"data": {}, "success": true}'),
}


@dataclass
class Fault:
    kind: str
    method: str | None
    path_contains: str | None
    times: int

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_contains is None or self.path_contains in path
        )


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    fault: str | None


class FaultProxy:
    """Proxy to ``upstream`` (an emulator's base URL) on a free loopback port."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._released = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        # Stopping waits for the server's next look at the flag: 0.05 s, not 0.5 s.
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(
        self,
        kind: str,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        times: int = 1,
    ) -> None:
        """Spoil the next ``times`` requests that match ``method`` and the path."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; use one of {FAULTS}")
        with self.lock:
            self.faults.append(Fault(kind, method, path_contains, times))

    def _take(self, method: str, path: str) -> str | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault.kind
        return None

    # --- the proxying ------------------------------------------------------------
    def _serve(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        while True:
            request = _read_message(reader)
            if request is None:
                return
            head, raw = request
            method, target = head.split(b" ", 2)[:2]
            method, path = method.decode(), urlsplit(target.decode()).path
            fault = self._take(method, path)
            with self.lock:
                self.seen.append(Seen(method, path, fault))
            if fault == "drop_request":
                _hang_up(client)
                return
            answer = self._forward(raw)
            if fault == "hold":
                self._released.wait()
            if fault in ("drop_response", "hold") or answer is None:
                _hang_up(client)
                return
            if fault in _MALFORMED:
                content_type, body = _MALFORMED[fault]
                answer = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: "
                    + content_type.encode()
                    + b"\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
            client.sendall(answer)

    def _forward(self, raw: bytes) -> bytes | None:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(raw)
            message = _read_message(upstream.makefile("rb"))
        return None if message is None else message[1]


def _read_message(reader) -> tuple[bytes, bytes] | None:
    """One HTTP/1.1 message (start line, headers, Content-Length body), raw."""
    start = reader.readline()
    if not start.strip():
        return None
    lines = [start]
    length = 0
    while True:
        line = reader.readline()
        if not line:
            return None
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = reader.read(length) if length else b""
    return start.strip(), b"".join(lines) + body


def _hang_up(client: socket.socket) -> None:
    try:
        client.shutdown(socket.SHUT_RDWR)
    except OSError:
        return  # already gone
