"""Browser tests: Playwright drives Debian's Chromium against the live_server.

Playwright's sync API runs an event loop in the test thread, from which Django would
otherwise refuse database access; DJANGO_ALLOW_ASYNC_UNSAFE allows it for these tests
only (set per test, so it never leaks into the subprocesses other tests start).
"""

from pathlib import Path

import pytest

from tests.e2e.stack import back_office  # noqa: F401  (journeys' worker and cron)
from tests.publishing.conftest import (  # noqa: F401  (accounts on the emulators)
    facebook_account,
    facebook_settings,
    senior_leader,
    x_account,
    x_settings,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    """Every test here is a browser journey: `-m "not e2e"` leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run tests/e2e/ensure-browser (make test does), "
            "or 'make test E2E=0' to leave the browser journeys out.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
