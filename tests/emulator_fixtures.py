"""pytest fixtures: one emulator per test on a free loopback port, stopped after it.

The emulators themselves are in emulators/ (make run starts them too). Registered
for the whole suite by tests/conftest.py. Each fixture yields the emulator:
`.base_url`, `.credentials` (the adapter's credentials that work against it),
`.app_credentials` (for the connect flows), `.state()`, `.fail_next(...)`, `.reset()`.
"""

from collections.abc import Iterator

import pytest

from emulators.cdn import CdnPurgeEmulator
from emulators.facebook import FacebookEmulator
from emulators.mail import MailSink, PostmarkEmulator
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
