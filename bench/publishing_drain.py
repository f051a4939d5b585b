"""1,000 deliveries over X, Facebook, Instagram and Bluesky drained by one worker
(target < 60 s), none lost or doubled.

Pages are approved to 10 accounts each (X, Facebook, Instagram and Bluesky in turn)
while no worker runs (their wake-ups wait in Redis); then one worker starts and the
clock runs until every delivery has settled. Instagram's go through containers whose
photo the emulator fetches over HTTP; Bluesky's reuse one kept session per account.

It always prints its figures, whatever happens: if the deliveries do not settle in
time (a busy machine), the worker dies, or something fails, it says how far it got
and why, and exits non-zero. "Lost" is a delivery not on its network; "doubled" a
delivery whose post is on its network more than once (each post carries its
delivery's id in its link).

Where the time goes: the wall time is the worker's CPU, plus the emulators' (they
run in this process, and the figure is printed), plus waiting for Redis, the database
and a busy machine's cores. Profiled with ``BENCH_PROFILE``, the worker spent its
time in the consent check run again at send, the audit log, picture fingerprints and
the network calls; Instagram's containers are ready at the first look here, so no
time went in waiting for them. What was cut: each account's adapter is now kept
between sends (``publishing.services.kept_adapters``): one HTTP connection per
account instead of one per post, and one Bluesky SDK client instead of one per post
(each loaded the certificate store again, about 25 ms of CPU); a sent post's pin
check asks about its own page only, instead of loading every notice in force; and a
delivery's account is not loaded again after each change of state.

``BENCH_DELIVERIES`` (default 1000, a multiple of 10) sets the size;
``BENCH_TIMEOUT`` (default 900) the seconds to wait for the drain;
``BENCH_PROFILE=worker.prof`` runs the worker under cProfile and writes its profile
there (read it with ``python -m pstats worker.prof``).
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import (
    PublishingStack,
    make_school,
    news_page,
    school_photo,
)

ACCOUNTS = 10
PAGES = max(1, int(os.environ.get("BENCH_DELIVERIES", "1000")) // ACCOUNTS)
TOTAL = PAGES * ACCOUNTS
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "900"))
PROFILE = os.environ.get("BENCH_PROFILE") or None
#: Seconds without any delivery settling after which the drain is given up.
STALL_SECONDS = 120
TARGET_SECONDS = 60
IN_FLIGHT = ("queued", "sending")
_DELIVERY_MARK = re.compile(r"[?&]ref=(\d+)")


def posts_by_network(stack: PublishingStack) -> dict[str, list[dict]]:
    return {
        "x": stack.x.state()["posts"],
        "facebook": stack.facebook.state()["posts"],
        "instagram": stack.instagram.state()["media"],
        "bluesky": stack.bluesky.state()["posts"],
    }


def delivery_marks(post: dict) -> set[int]:
    """The delivery ids a post links to (once per post, wherever it says so)."""
    return {int(mark) for mark in _DELIVERY_MARK.findall(json.dumps(post))}


def drain(stack: PublishingStack, report: dict) -> None:
    """Approve the pages, start one worker, wait until nothing is in flight."""
    from publishing.models import Delivery

    index, accounts = make_school(accounts=ACCOUNTS)
    photo = school_photo()
    for number in range(PAGES):
        page = news_page(index, title=f"News {number}", accounts=accounts, photo=photo)
        page.save_revision().publish()
    report["queued"] = Delivery.objects.filter(status="queued").count()
    started = time.perf_counter()
    report["started"] = started
    emulators_cpu = _own_cpu_seconds()
    stack.start_worker(log=stack.directory / "worker.log", profile=PROFILE)
    settled, last_change = -1, started
    while True:
        now = time.perf_counter()
        in_flight = Delivery.objects.filter(status__in=IN_FLIGHT).count()
        report["elapsed"] = now - started
        report["emulators_cpu"] = _own_cpu_seconds() - emulators_cpu
        if in_flight == 0:
            return
        if settled != report["queued"] - in_flight:
            settled, last_change = report["queued"] - in_flight, now
        if stack.worker.poll() is not None:
            report["problem"] = f"the worker exited with code {stack.worker.returncode}"
            return
        if now - started > TIMEOUT:
            report["problem"] = f"not settled within {TIMEOUT:.0f} s"
            return
        if now - last_change > STALL_SECONDS:
            report["problem"] = f"nothing settled for {STALL_SECONDS} s"
            return
        time.sleep(0.05)


def _own_cpu_seconds() -> float:
    """CPU time of this process: the emulators, and this script's polling."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def count(stack: PublishingStack, report: dict) -> None:
    """What the ledger and the networks say: sent, lost, doubled, per network."""
    from django.db.models import Max, Min

    from publishing.models import Delivery

    deliveries = list(Delivery.objects.values_list("pk", "status", "account__network"))
    report["statuses"] = Counter(status for _, status, _ in deliveries)
    network_of = {pk: network for pk, _, network in deliveries}
    seen: Counter[int] = Counter()
    report["per_network"] = {}
    for network, posts in posts_by_network(stack).items():
        report["per_network"][network] = len(posts)
        for post in posts:
            for pk in delivery_marks(post):
                if network_of.get(pk) == network:
                    seen[pk] += 1
    report["lost"] = sum(1 for pk in network_of if seen[pk] == 0)
    report["doubled"] = sum(1 for n in seen.values() if n > 1)
    first, last = (
        Delivery.objects.exclude(sent_at=None)
        .aggregate(first=Min("sent_at"), last=Max("sent_at"))
        .values()
    )
    report["posting_seconds"] = (last - first).total_seconds() if first else None
    report["reasons"] = sorted(
        set(Delivery.objects.exclude(status="sent").values_list("reason", flat=True))
        - {""}
    )[:5]


def print_report(report: dict) -> None:
    elapsed = report.get("elapsed")
    queued = report.get("queued", 0)
    statuses = report.get("statuses", Counter())
    sent = statuses.get("sent", 0)
    if elapsed is None:
        print(f"{TOTAL} deliveries: the drain did not start.")
    else:
        rate = sent / elapsed if elapsed else 0.0
        print(
            f"{sent} of {queued} deliveries sent by 1 worker in {elapsed:.1f} s "
            f"(target for 1,000: < {TARGET_SECONDS} s); {rate:.0f} deliveries/s"
        )
    if report.get("posting_seconds") is not None:
        print(
            f"  first post to last: {report['posting_seconds']:.1f} s "
            "(the time above also counts the worker starting)"
        )
    # CPU the worker and Redis used (both exited and were waited for): the wall time
    # above also counts waiting for a busy machine's cores.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"  CPU time of the worker and Redis: "
        f"{children.ru_utime + children.ru_stime:.1f} s; "
        f"load average at the end: {os.getloadavg()[0]:.1f}"
    )
    if "emulators_cpu" in report:
        print(
            "  CPU time of the emulators (and this script) during the drain: "
            f"{report['emulators_cpu']:.1f} s"
        )
    if PROFILE:
        print(f"  the worker's profile: {PROFILE} (python -m pstats {PROFILE})")
    if "per_network" in report:
        print(
            "  posts on the emulators: "
            + ", ".join(f"{name}: {n}" for name, n in report["per_network"].items())
        )
        print(f"  lost: {report['lost']}; doubled: {report['doubled']}")
    if statuses:
        print(
            "  by status: "
            + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        )
    for reason in report.get("reasons", []):
        print(f"  reason: {reason[:200]}")
    if "problem" in report:
        print(f"  stopped early: {report['problem']}")
        for line in report.get("worker_log", []):
            print(f"  worker: {line}")


def _tail(path: Path, lines: int = 20) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def main() -> int:
    report: dict = {}
    try:
        with PublishingStack() as stack:
            try:
                drain(stack, report)
            finally:
                count(stack, report)
                if "problem" in report:
                    report["worker_log"] = _tail(stack.directory / "worker.log")
    except BaseException as error:  # noqa: BLE001 (reported below, never hidden)
        report.setdefault("problem", f"{type(error).__name__}: {error}")
        traceback.print_exc()
    print_report(report)
    ok = (
        "problem" not in report
        and report.get("statuses", {}).get("sent") == report.get("queued") == TOTAL
        and report.get("lost") == 0
        and report.get("doubled") == 0
    )
    fast = TOTAL < 1000 or report.get("elapsed", TARGET_SECONDS) < TARGET_SECONDS
    return 0 if ok and fast else 1


if __name__ == "__main__":
    sys.exit(main())
