"""Helpers for the staff journeys: count what a person does, save what they saw.

An *action* is one click, one choice from a list or one key press that submits: the
steps a person has to find. Typing the words of a post is the work itself, so typed
fields are counted separately (``typed``) and printed beside the actions.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.twofactor import login_verified

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's password)


def staff_member(username: str, role: str, **fields):
    """A member of staff in ``role`` with a confirmed authenticator app."""
    user = UserFactory(username=username, email=f"{username}@school.example", **fields)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


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
        ARTIFACTS.mkdir(exist_ok=True)

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1

    def choose(self, locator, label: str) -> None:
        locator.select_option(label=label)
        self.actions += 1

    def type(self, locator, text: str) -> None:
        locator.fill(text)
        self.typed += 1

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
