"""What the staff journeys share: signing in, counting actions, public copies, shots.

``sign_in`` goes through Wagtail's sign-in screen and the second-factor screen with
the code the person's authenticator app would show now (from the device's secret),
exactly as a member of staff does; nothing bypasses the gate.

``serve_public_copies`` answers /media/public/ for a browser context as nginx does in
production (the test server runs with DEBUG off and serves no media): the file from
the ``public_media`` storage, or 404.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.twofactor import login_verified

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "journeys"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's password)


def staff_member(username: str, *roles: str, **fields):
    """A member of staff in ``roles`` with a confirmed authenticator app."""
    user = UserFactory(username=username, email=f"{username}@school.example", **fields)
    user.set_password(PASSWORD)
    user.save()
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def code_now(user, *, after: str | None = None) -> str:
    """The 6-digit code ``user``'s app shows now; a fresh one if ``after`` was used.

    A code is accepted once (replay protection), so a second code in the same
    30-second step waits for the next step, as a person would.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
        device.refresh_from_db()
        if code != after and totp.t() > device.last_t:
            return code
        time.sleep(1)


def sign_in(page, live_server, user, *, next_path: str = "/admin/") -> str:
    """Password, then code, through the real screens; returns the code used."""
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = code_now(user)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}**")
    return code


def serve_public_copies(context) -> None:
    """Serve /media/public/ from the public storage, as nginx does, else 404."""
    storage = storages["public_media"]

    def answer(route):
        path = route.request.url.split(settings.PUBLIC_MEDIA_URL, 1)[1].split("?")[0]
        if not storage.exists(path):
            route.fulfill(status=404, body="Not found")
            return
        with storage.open(path, "rb") as handle:
            body = handle.read()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        route.fulfill(status=200, body=body, content_type=kind)

    context.route(f"**{settings.PUBLIC_MEDIA_URL}**", answer)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def wait_for(condition, *, seconds: float = 60.0):
    """Poll until ``condition()`` is truthy: the worker runs in another process."""
    deadline = time.monotonic() + seconds
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return result


def watch_until_live(page, title: str, *, seconds: float = 120.0) -> None:
    """Refresh the dashboard, as staff do, until the approved page says "Live".

    A page with new photos is prepared by the worker after approval (issue 22).
    """
    progress = page.locator(
        "[data-preparation-panel] [data-preparation-progress]", has_text=title
    )

    def live() -> bool:
        page.reload()
        return (
            progress.count() == 1
            and progress.get_attribute("data-preparation-status") == "live"
        )

    assert wait_for(live, seconds=seconds), page.locator("main").inner_text()


def signed_in_context(browser, live_server, user, *, code_age_seconds=0, **options):
    """A browser already signed in as ``user`` (their code checked that long ago)."""
    client = Client()
    login_verified(client, user, verified_at=time.time() - code_age_seconds)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


class Journey:
    """Drives one page and counts the actions and typed fields a person needs."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.actions = 0
        self.typed = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1

    def choose(self, locator, label: str) -> None:
        locator.select_option(label=label)
        self.actions += 1

    def type(self, locator, text: str) -> None:
        locator.fill(text)
        self.typed += 1

    def upload(self, locator, path) -> None:
        """Choosing a file: one tap on the box, one on the photo (counted as one,
        like choosing from a list)."""
        locator.set_input_files(path)
        self.actions += 1

    def press_enter(self, locator) -> None:
        locator.press("Enter")
        self.actions += 1

    def screenshot(self, step: str) -> Path:
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def report(self) -> str:
        line = f"{self.name}: {self.actions} actions, {self.typed} typed fields"
        print(line)  # noqa: T201 (the journey's figure, shown with -s)
        return line
