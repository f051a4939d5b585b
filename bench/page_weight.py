"""What a phone downloads for each public page type: HTML, CSS, images, requests.

Loads the demo school (``load_demo_school``) into a throwaway database, serves it with
``runserver`` (DEBUG, so it serves the public copies as nginx would) and opens each
page type in Debian's Chromium at 390x844, scrolled to the end so lazy pictures load.
Prints the figures; the budget (a news page under 150 KB) is tested in
tests/e2e/test_page_weight.py.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.page_weight import page_weight
from bench.support.publishing_stack import BASE_DIR, PublishingStack

CHROMIUM = "/usr/bin/chromium"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
NEWS_BUDGET_KB = 150


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page_types() -> dict[str, str]:
    """One URL per public page type, from the demo school."""
    from cms.models import NewsIndexPage, NewsPage, NoticePage, StandardPage

    def first_url(model, **filters) -> str:
        page = model.objects.live().public().filter(**filters).order_by("-pk").first()
        if page is None:
            raise SystemExit(f"The demo school has no live {model.__name__}")
        return page.url

    with_picture = NewsPage.objects.live().public().exclude(listing_image=None)
    news_page = (with_picture.first() or NewsPage.objects.live().first()).url
    return {
        "home": "/",
        "news index": first_url(NewsIndexPage),
        "news page": news_page,
        "notice": first_url(NoticePage),
        "standard page": first_url(StandardPage),
        "term dates": "/term-dates/",
        "search": "/search/?q=school",
    }


def main() -> int:
    from playwright.sync_api import sync_playwright

    with PublishingStack() as stack:
        from django.core.management import call_command

        call_command("load_demo_school", verbosity=0)
        urls = page_types()
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=BASE_DIR,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            stack.wait_until(lambda: _answers(base), timeout=60)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
                )
                print(f"Page weight on a phone (390x844), demo school at {base}")
                for name, path in urls.items():
                    context = browser.new_context(**PHONE)
                    weight = page_weight(context.new_page(), base + path)
                    print(weight.line(name))
                    if name == "news page":
                        news_kb = weight.total / 1024
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    verdict = "within" if news_kb < NEWS_BUDGET_KB else "OVER"
    print(f"news page: {news_kb:.1f} KB, {verdict} the {NEWS_BUDGET_KB} KB budget")
    return 0


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 (loopback)
            return True
    except OSError:
        time.sleep(0.2)
        return False


if __name__ == "__main__":
    raise SystemExit(main())
