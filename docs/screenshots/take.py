"""Take the screenshots of the README's five-minute tour from a fresh `make run`.

    .venv/bin/python docs/screenshots/take.py

Starts the demo stack (`python -m config.devstack`, what `make run` runs) in a throwaway
folder on free ports, signs in as each demo person through the real screens (password,
then setting up the authenticator app with the key the page shows, as a newcomer
does), and saves what each tour step shows as docs/screenshots/*.png. Uses Debian's
Chromium (/usr/bin/chromium) through Playwright; the stack is stopped at the end.
Run it again whenever a screen in the tour changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE.parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
PASSWORD = "school-demo-2026"  # noqa: S105 (the demo school's published password)
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
START_SECONDS = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_code(setup_key: str) -> str:
    """The code an authenticator app shows now for a base32 setup key (RFC 6238)."""
    key = "".join(setup_key.split()).upper()
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(secret, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def stack_start(var_dir: Path) -> tuple[subprocess.Popen, str, str]:
    """`make run`'s launcher on free ports; returns it, the site and the Facebook
    emulator's timeline (the demo post waiting for approval goes to Facebook)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    port, x_port, facebook_port = free_port(), free_port(), free_port()
    env.update(
        VAR_DIR=str(var_dir),
        PORT=str(port),
        SOCIAL_X_EMULATOR_PORT=str(x_port),
        SOCIAL_FACEBOOK_EMULATOR_PORT=str(facebook_port),
    )
    log = (var_dir / "make-run.log").open("w")
    stack = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "config.devstack"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while "The school website:" not in (var_dir / "make-run.log").read_text():
        if stack.poll() is not None or time.monotonic() > deadline:
            log_tail = (var_dir / "make-run.log").read_text()[-3000:]
            raise SystemExit(f"The demo stack did not start:\n{log_tail}")
        time.sleep(2)
    urllib.request.urlopen(site + "/", timeout=30).read()  # noqa: S310 (loopback)
    return stack, site, f"http://127.0.0.1:{facebook_port}/"


def stack_stop(stack: subprocess.Popen) -> None:
    stack.send_signal(signal.SIGTERM)
    try:
        stack.wait(timeout=60)
    except subprocess.TimeoutExpired:
        stack.kill()
        stack.wait()


def sign_in(browser, site: str, username: str):
    """A new browser signed in as a demo person, enrolling their app on the way."""
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    setup_key = page.locator("[data-two-factor-secret]").inner_text()
    page.get_by_label("Code").fill(app_code(setup_key))
    page.get_by_role("button", name="Confirm and continue").click()
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.get_by_role("heading", name="Waiting for me").wait_for()
    return context, page, setup_key


def fresh_code(setup_key: str, used: str) -> str:
    """A code other than the one just used: the site accepts each code only once."""
    while (code := app_code(setup_key)) == used:
        time.sleep(1)
    return code


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=HERE / f"{name}.png", full_page=full_page)
    sys.stdout.write(f"docs/screenshots/{name}.png\n")


def section_shot(page: Page, selector: str, name: str) -> None:
    page.locator(selector).first.scroll_into_view_if_needed()
    page.locator(selector).first.evaluate("element => element.scrollIntoView()")
    shot(page, name)


def posts_sent(timeline: str) -> bool:
    """Whether the network emulator holds a post yet (the worker sends after commit)."""
    state = urllib.request.urlopen(timeline + "__emulator__/state", timeout=10)  # noqa: S310
    return b'"id"' in state.read()


def tour(browser, site: str, timeline: str) -> None:
    """One screenshot per step of the README's tour, in its order."""
    context, page, _ = sign_in(browser, site, "editor")
    shot(page, "1-editor-dashboard")
    page.get_by_role("link", name="Write news").first.click()
    page.locator("#id_title").fill("Choir concert on Friday")
    shot(page, "1-write-news")
    page.get_by_role("button", name="Choose an image").click()
    dialog = page.get_by_role("dialog", name="Choose an image")
    dialog.get_by_role("tabpanel", name="New photo").wait_for()
    shot(page, "1-new-photo")
    dialog.get_by_role("tab", name="Uploaded photos").click()
    dialog.get_by_text("Year 4 choir rehearsal").first.wait_for()
    shot(page, "1-uploaded-photos")
    context.close()

    context, page, setup_key = sign_in(browser, site, "approver")
    signed_in_with = app_code(setup_key)
    page.locator("[data-awaiting] a", has_text="Year 4 sing").first.click()
    page.wait_for_load_state("networkidle")
    shot(page, "2-review-screen")
    section_shot(page, "#review-photos-heading", "2-review-photos-and-consent")
    section_shot(page, "#review-social-heading", "2-review-social-posts")
    code_field = page.locator("[data-code-field] input")
    if code_field.count():
        code_field.fill(fresh_code(setup_key, signed_in_with))
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + 120
    while not posts_sent(timeline) and time.monotonic() < deadline:
        time.sleep(2)
    page.goto(f"{site}/admin/")
    section_shot(page, "text=Published this week and where it went", "2-published")
    context.close()

    context, page, _ = sign_in(browser, site, "dsl")
    section_shot(page, "#consent-shortcuts-heading", "3-consent-register-panel")
    page.locator("#consent-withdraw-learner").fill("Nia")
    page.locator("#consent-withdraw-learner").press("Enter")
    page.get_by_role("link", name="Withdraw everything for Nia Jones").click()
    page.wait_for_load_state("networkidle")
    shot(page, "3-withdraw-everything")
    context.close()

    context, page, _ = sign_in(browser, site, "head")
    shot(page, "4-waiting-for-the-head")
    page.locator("[data-awaiting] a", has_text="Meadowbank sports X account").click()
    page.wait_for_load_state("networkidle")
    shot(page, "4-proposed-account")
    context.close()

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(site + "/")
    shot(page, "5-home-page-on-a-phone", full_page=True)
    page.goto(timeline)
    shot(page, "5-facebook-emulator-timeline")
    phone.close()


def main() -> int:
    var_dir = Path(tempfile.mkdtemp(prefix="school-screenshots-"))
    stack = None
    try:
        stack, site, timeline = stack_start(var_dir)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                tour(browser, site, timeline)
            finally:
                browser.close()
    finally:
        if stack is not None:
            stack_stop(stack)
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
