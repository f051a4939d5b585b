"""Urgent closure: approval to the home-page banner, to the posts, to the Facebook pin.

Prints the median and worst times, over several closures, from `revision.publish()`
(what the senior leader's approval calls) until the banner is on the home page,
until every account has the post, and until it is pinned on Facebook.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack, make_school

ROUNDS = 5
ACCOUNTS = 2  # one X account, one Facebook Page (the emulators hold one of each)


def main() -> int:
    with PublishingStack() as stack:
        from django.test import Client
        from django.utils import timezone
        from wagtail.models import Site

        from cms.models import NoticeIndexPage, NoticePage
        from publishing.models import Delivery, Pin

        make_school(accounts=ACCOUNTS)
        home = Site.objects.get(is_default_site=True).root_page
        notices = home.add_child(instance=NoticeIndexPage(title="Notices"))
        stack.start_worker()
        client = Client()
        banner, posted, pinned = [], [], []
        for number in range(ROUNDS + 1):  # the first is a warm-up
            title = f"School closed today ({number})"
            notice = notices.add_child(
                instance=NoticePage(
                    title=title,
                    kind=NoticePage.Kind.CLOSURE,
                    message="<p>Snow.</p>",
                    valid_from=timezone.now(),
                    pinned=True,
                    live=False,
                )
            )
            notice.full_clean()
            revision = notice.save_revision()
            started = time.perf_counter()
            revision.publish()
            stack.wait_until(
                lambda title=title: (
                    title in client.get("/", HTTP_HOST="127.0.0.1").content.decode()
                ),
                timeout=30,
            )
            to_banner = time.perf_counter() - started
            stack.wait_until(
                lambda page=notice: (
                    Delivery.objects.filter(page=page, status="sent").count()
                    == ACCOUNTS
                ),
                timeout=60,
            )
            to_posts = time.perf_counter() - started
            stack.wait_until(
                lambda page=notice: Pin.objects.filter(
                    delivery__page=page, status="pinned"
                ).exists(),
                timeout=60,
            )
            to_pin = time.perf_counter() - started
            if number:
                banner.append(to_banner)
                posted.append(to_posts)
                pinned.append(to_pin)
        pinned_on_facebook = [
            post for post in stack.facebook.state()["posts"] if post["pinned"]
        ]
    print(f"urgent closure, {ACCOUNTS} accounts, 1 worker, {ROUNDS} approvals:")
    for label, figures in (
        ("approval to home-page banner", banner),
        ("approval to every post sent", posted),
        ("approval to pinned on Facebook", pinned),
    ):
        print(
            f"  {label}: median {statistics.median(figures):.3f} s, "
            f"worst {max(figures):.3f} s"
        )
    print(f"  pinned posts on the Facebook emulator: {len(pinned_on_facebook)} (1)")
    return 0 if len(pinned_on_facebook) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
