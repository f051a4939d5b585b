"""1,000 deliveries over X, Facebook, Instagram and Bluesky drained by one worker
(target < 60 s).

100 pages are approved to 10 accounts each (X, Facebook, Instagram and Bluesky in
turn) while no worker runs (their wake-ups wait in Redis); then one worker starts and
the clock runs until all 1,000 are posted. Instagram's go through containers whose
photo the emulator fetches over HTTP; Bluesky's reuse one kept session per account.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import (
    PublishingStack,
    make_school,
    news_page,
    school_photo,
)

PAGES = 100
ACCOUNTS = 10
TOTAL = PAGES * ACCOUNTS


def main() -> int:
    with PublishingStack() as stack:
        from publishing.models import Delivery

        index, accounts = make_school(accounts=ACCOUNTS)
        photo = school_photo()
        for number in range(PAGES):
            page = news_page(
                index, title=f"News {number}", accounts=accounts, photo=photo
            )
            page.save_revision().publish()
        assert Delivery.objects.filter(status="queued").count() == TOTAL
        started = time.perf_counter()
        stack.start_worker()
        stack.wait_until(
            lambda: Delivery.objects.filter(status="sent").count() == TOTAL,
            timeout=600,
        )
        elapsed = time.perf_counter() - started
        per_network = {
            "X": len(stack.x.state()["posts"]),
            "Facebook": len(stack.facebook.state()["posts"]),
            "Instagram": len(stack.instagram.state()["media"]),
            "Bluesky": len(stack.bluesky.state()["posts"]),
        }
        on_networks = sum(per_network.values())
        not_sent = Delivery.objects.exclude(status="sent").count()
        reasons = set(
            Delivery.objects.exclude(status="sent").values_list("reason", flat=True)
        )
    # CPU the worker and Redis used (both exited and were waited for): the wall time
    # above also counts waiting for a busy machine's cores.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = children.ru_utime + children.ru_stime
    print(f"{TOTAL} deliveries drained by 1 worker in {elapsed:.1f} s (target < 60 s)")
    print(
        f"  CPU time of the worker and Redis: {cpu:.1f} s; "
        f"load average at the end: {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  {TOTAL / elapsed:.0f} deliveries/s; posts on the emulators: {on_networks};"
    )
    print("  " + ", ".join(f"{name}: {n}" for name, n in per_network.items()))
    print(f"  not sent: {not_sent}" + (f" ({'; '.join(reasons)})" if reasons else ""))
    return 0 if elapsed < 60 and on_networks == TOTAL and not not_sent else 1


if __name__ == "__main__":
    sys.exit(main())
