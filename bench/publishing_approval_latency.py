"""Approval to posted: one page approved to 10 accounts, one worker (target < 2 s).

Prints the median and worst time from `revision.publish()` (what approval calls) until
all 10 posts are on the emulators, over several approvals.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack, make_school, news_page

ROUNDS = 7
ACCOUNTS = 10


def main() -> int:
    with PublishingStack() as stack:
        from publishing.models import Delivery

        index, accounts = make_school(accounts=ACCOUNTS)
        stack.start_worker()
        # Warm-up: the worker's first job imports Django and the adapters.
        warm = news_page(index, title="Warm-up", accounts=accounts)
        warm.save_revision().publish()
        stack.wait_until(
            lambda: Delivery.objects.filter(status="sent").count() == ACCOUNTS,
            timeout=60,
        )
        timings = []
        for round_number in range(ROUNDS):
            page = news_page(index, title=f"News {round_number}", accounts=accounts)
            revision = page.save_revision()
            started = time.perf_counter()
            revision.publish()
            stack.wait_until(
                lambda page=page: (
                    Delivery.objects.filter(page=page, status="sent").count()
                    == ACCOUNTS
                ),
                timeout=60,
            )
            timings.append(time.perf_counter() - started)
        on_networks = len(stack.x.state()["posts"]) + len(
            stack.facebook.state()["posts"]
        )
    median = statistics.median(timings)
    print(f"approval to posted, {ACCOUNTS} accounts, 1 worker, {ROUNDS} approvals:")
    print(f"  median {median:.3f} s, worst {max(timings):.3f} s (target < 2 s)")
    print(
        f"  posts on the emulators: {on_networks} (expected {ACCOUNTS * (ROUNDS + 1)})"
    )
    return 0 if median < 2 and on_networks == ACCOUNTS * (ROUNDS + 1) else 1


if __name__ == "__main__":
    sys.exit(main())
