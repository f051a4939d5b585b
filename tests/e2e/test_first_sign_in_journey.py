"""A new editor's first sign-in: password, then setting up the authenticator app.

The secret is read from the enrolment page as a person would type it into their app;
the code their app then shows confirms it, the backup codes are shown once, and the
editor lands on their dashboard. axe-core checks each of these screens.
"""

import base64

from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation import roles
from tests.e2e.axe import blocking_violations
from tests.e2e.journey_kit import PASSWORD, PHONE, shot
from tests.factories import UserFactory


def app_code(secret: str) -> str:
    """What an authenticator app shows for a base32 setup key, now."""
    key = "".join(secret.split()).upper()
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{TOTP(key).token():06d}"


def test_a_new_editor_sets_up_two_factor_sign_in_on_first_sign_in(
    transactional_db, live_server, browser
):
    editor = UserFactory(username="newteacher", first_name="Nia", last_name="Rees")
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    page = browser.new_page(**PHONE)

    page.goto(live_server.url + "/admin/")
    assert blocking_violations(page) == []
    shot(page, "first-sign-in-1-password")
    page.get_by_label("Username").fill("newteacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert blocking_violations(page) == []
    shot(page, "first-sign-in-2-enrol")
    secret = page.locator("[data-two-factor-secret]").inner_text()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and continue").click()

    page.get_by_role("heading", name="Your backup codes").wait_for()
    assert blocking_violations(page) == []
    shot(page, "first-sign-in-3-backup-codes")
    codes = page.locator(".two-factor-backup-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my codes: continue").click()

    page.get_by_role("heading", name="Waiting for me").wait_for()
    shot(page, "first-sign-in-4-dashboard")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1
    page.close()


def test_a_wrong_code_at_set_up_is_refused_and_nothing_is_confirmed(
    transactional_db, live_server, browser
):
    """Positive control: a code that does not match the key leaves no device."""
    editor = UserFactory(username="newteacher")
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    page = browser.new_page(**PHONE)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("newteacher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    secret = page.locator("[data-two-factor-secret]").inner_text()
    wrong = f"{(int(app_code(secret)) + 1) % 1_000_000:06d}"

    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Confirm and continue").click()

    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    page.close()
