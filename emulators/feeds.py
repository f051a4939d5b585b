"""A local feed server: RSS and Atom alert feeds over real HTTP, kind and hostile.

Google Alerts and similar services deliver keyword alerts as feeds; the mentions
screen reads them. This server stands in for them in the tests and the demo:
``publish(path, body)`` serves a feed at a path, ``redirect(path, location)`` sends
a reader on elsewhere, ``alert_feed(...)`` builds one in
the shape Google Alerts uses, and ``/hostile/...`` serves the feeds a careless reader
falls over:

- ``/hostile/endless``: an RSS document that never ends, sent without a length;
- ``/hostile/billion-laughs``: nested entities that expand to gigabytes;
- ``/hostile/external-entity``: an entity that reads a file on the reader's machine;
- ``/hostile/not-xml``: an HTML error page where the feed should be;
- ``/hostile/script-titles``: script and event handlers in titles and summaries.

Standard library only; no Django.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import quote

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{n} "{(f"&lol{n - 1};" if n > 1 else "&lol;") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>Alerts</title><item>'
    b"<title>&lol9;</title><link>https://news.example/laughs</link></item>"
    b"</channel></rss>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM '
    b'"file:///etc/passwd">]>\n<rss version="2.0"><channel><title>Alerts</title>'
    b"<item><title>&secret;</title><link>https://news.example/xxe</link></item>"
    b"</channel></rss>"
)
NOT_XML = (
    b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>Try again.</p>"
    b"</body></html>"
)
SCRIPT_TITLES = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>Alerts</title><entry><id>tag:alerts,1</id>"
    b"<title type=\"html\">&lt;script&gt;alert('title')&lt;/script&gt;Meadowbank "
    b'fair</title><link href="https://news.example/fair"/>'
    b'<updated>2026-12-01T09:00:00Z</updated><content type="html">'
    b"&lt;img src=x onerror=alert('summary')&gt;Meadowbank's winter fair"
    b"</content></entry></feed>"
)


def alert_feed(
    entries: Iterable[dict[str, str]], *, title: str = "Google Alert - school"
) -> bytes:
    """An Atom feed as Google Alerts sends it: each link wrapped in a redirect.

    Each entry: ``id``, ``title``, ``link``, ``content`` and ``published`` (ISO).
    """
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>tag:google.com,2005:reader/user/alerts</id><title>{html.escape(title)}"
        "</title>"
    ]
    for entry in entries:
        link = "https://www.google.com/url?rct=j&sa=t&url=" + quote(entry["link"])
        parts.append(
            f"<entry><id>{html.escape(entry['id'])}</id>"
            f'<title type="html">{html.escape(entry["title"])}</title>'
            f'<link href="{html.escape(link)}"/>'
            f"<published>{entry['published']}</published>"
            f"<updated>{entry['published']}</updated>"
            f'<content type="html">{html.escape(entry.get("content", ""))}</content>'
            "<author><name></name></author></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode()


class FeedServer:
    """Serves feeds on a loopback port; ``requests`` counts what was asked for."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.lock = threading.Lock()
        self.feeds: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []
        self.redirects: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def publish(self, path: str, body: bytes, content_type: str = ATOM) -> str:
        """Serve ``body`` at ``path`` from now on; returns its address."""
        with self.lock:
            self.feeds[path] = (body, content_type)
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        """Answer ``path`` with a redirect to ``location``; returns its address."""
        with self.lock:
            self.redirects[path] = location
        return self.url(path)

    def start(self) -> FeedServer:
        handler = type("Handler", (_Handler,), {"feed_server": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="feed server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


HOSTILE = {
    "/hostile/billion-laughs": (BILLION_LAUGHS, RSS),
    "/hostile/external-entity": (EXTERNAL_ENTITY, RSS),
    "/hostile/not-xml": (NOT_XML, "text/html; charset=utf-8"),
    "/hostile/script-titles": (SCRIPT_TITLES, ATOM),
}


class _Handler(BaseHTTPRequestHandler):
    feed_server: ClassVar[FeedServer]
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        server = self.feed_server
        with server.lock:
            server.requests.append(self.path)
            found = server.feeds.get(self.path) or HOSTILE.get(self.path)
            location = server.redirects.get(self.path)
        if location is not None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/hostile/endless":
            self._endless()
            return
        if found is None:
            self._send(404, b"Not found", "text/plain")
            return
        self._send(200, *found)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _endless(self) -> None:
        """A feed that never ends and gives no length: stops when the reader goes."""
        self.send_response(200)
        self.send_header("Content-Type", RSS)
        self.end_headers()
        item = b"<item><title>" + b"Meadowbank " * 900 + b"</title></item>"
        try:
            self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            while True:
                self.wfile.write(item)
        except OSError:
            return  # the reader hung up: what a capped reader does

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return
