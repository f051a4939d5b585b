"""pytest fixtures: one emulator per test on a free loopback port, stopped after it.

The emulators themselves are in emulators/ (make run starts them too). Registered
for the whole suite by tests/conftest.py. Each fixture yields the emulator:
`.base_url`, `.credentials` (the adapter's credentials that work against it),
`.app_credentials` (for the connect flows), `.state()`, `.fail_next(...)`, `.reset()`.
"""

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from emulators.bluesky import BlueskyEmulator
from emulators.cdn import CdnPurgeEmulator
from emulators.facebook import FacebookEmulator
from emulators.feeds import FeedServer
from emulators.instagram import InstagramEmulator
from emulators.mail import MailSink, PostmarkEmulator
from emulators.push import PushServiceEmulator
from emulators.x import XEmulator


@pytest.fixture
def x_emulator() -> Iterator[XEmulator]:
    """A running X API emulator; its demo account's credentials are `.credentials`."""
    with XEmulator() as emulator:
        yield emulator


@pytest.fixture
def facebook_emulator() -> Iterator[FacebookEmulator]:
    """A running Facebook Graph emulator with the school's Page and its page token."""
    with FacebookEmulator() as emulator:
        yield emulator


@pytest.fixture
def cdn_emulator() -> Iterator[CdnPurgeEmulator]:
    """A running stand-in for a CDN's purge API; what it was told is `.purged`."""
    with CdnPurgeEmulator() as emulator:
        yield emulator


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    """A running SMTP server that keeps what it accepts (`.received`, `.to(addr)`)."""
    with MailSink() as sink:
        yield sink


@pytest.fixture
def postmark_emulator() -> Iterator[PostmarkEmulator]:
    """A running Postmark-style email API (`.sent`, `.fail_next(...)`)."""
    with PostmarkEmulator() as emulator:
        yield emulator


@pytest.fixture
def push_service() -> Iterator[PushServiceEmulator]:
    """A running web push service (`.new_device()`, `.shown(endpoint)`,
    `.device_gone(endpoint)`, `.fail_next(...)`)."""
    with PushServiceEmulator() as emulator:
        yield emulator


@pytest.fixture
def instagram_emulator() -> Iterator[InstagramEmulator]:
    """A running Graph emulator with the school's Page and its linked Instagram
    professional account; `.credentials` are the Instagram adapter's."""
    with InstagramEmulator() as emulator:
        yield emulator


@pytest.fixture
def bluesky_emulator() -> Iterator[BlueskyEmulator]:
    """A running Bluesky PDS emulator; `.credentials`: handle and app password."""
    with BlueskyEmulator() as emulator:
        yield emulator


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A running local feed server: `.publish(path, body)`, `/hostile/...` feeds."""
    with FeedServer() as server:
        yield server


class _PublicFiles(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def log_message(self, format, *args):  # noqa: A002 (the library's name)
        return


@pytest.fixture
def public_web(settings) -> Iterator[str]:
    """The public media served over real HTTP, as nginx serves it to the internet.

    Instagram fetches pictures itself from the school's public address; this makes
    `WAGTAILAPI_BASE_URL` that address. Yields its base URL.
    """
    handler = type(
        "PublicFiles",
        (_PublicFiles,),
        {"prefix": settings.PUBLIC_MEDIA_URL.rstrip("/") + "/"},
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(handler, directory=str(settings.PUBLIC_MEDIA_ROOT)),
    )
    # Stopping waits for the server's next look at the flag: 0.05 s, not 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.WAGTAILAPI_BASE_URL = base_url
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
