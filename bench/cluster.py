"""Pull the plug on a small cluster and see that nothing is lost or doubled (issue 23).

Starts bench/support/cluster.py's cluster (two gunicorn behind the shipped nginx, three
rq workers, two cron processes at once, PostgreSQL or SQLite, a private Redis, moto's
S3, the X, Facebook and CDN emulators), then, while readers load the site through
nginx:

1. publishes news posts with photos, each sent to an X and a Facebook account, and
   meanwhile kills a web instance, kills a worker and restarts Redis;
2. withdraws consent for the pictured learners, one of them while the S3 endpoint
   does not answer;
3. checks: every post reached each network exactly once; readers saw no error page;
   every withdrawn copy is unreachable at once, then gone from the bucket and purged
   from the CDN emulator; each scheduled job ran once per slot with two cron hosts.

Prints the figures, including the per-site snow-day throughput (the home page of one
school through nginx and both web instances), and exits non-zero if a check fails.

Environment: CLUSTER_POSTS (posts to publish, 12), CLUSTER_WITHDRAWALS (4),
CLUSTER_SECONDS (seconds of snow-day load, 10), CLUSTER_READERS (concurrent readers,
16), CLUSTER_REDUCED (1: no worker kill, as the test suite runs it), DATABASE_URL
(PostgreSQL: a fresh database beside it; unset: SQLite), CLUSTER_KEEP_LOGS (1: keep
the processes' logs).
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support.cluster import Cluster  # noqa: E402

POSTS = int(os.environ.get("CLUSTER_POSTS", "12"))
WITHDRAWALS = int(os.environ.get("CLUSTER_WITHDRAWALS", "4"))
SECONDS = float(os.environ.get("CLUSTER_SECONDS", "10"))
READERS = int(os.environ.get("CLUSTER_READERS", "16"))
REDUCED = os.environ.get("CLUSTER_REDUCED", "") == "1"
SETTLE_TIMEOUT = 240


class Readers:
    """Parents reading the site through nginx: counts answers by status."""

    def __init__(self, port: int, paths: list[str], threads: int) -> None:
        self.port, self.paths, self.threads = port, paths, threads
        self.statuses: Counter[int] = Counter()
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    def __enter__(self) -> Readers:
        for number in range(self.threads):
            thread = threading.Thread(target=self._read, args=(number,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=30)

    def _read(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        turn = number
        while not self._stop.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "localhost"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
                status = 0  # no answer at all
            with self._lock:
                self.statuses[status] += 1
                self.latencies.append(time.perf_counter() - started)


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until(condition, *, timeout: float, what: str) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.2)
    return time.perf_counter() - started


def build_school():
    from bench.support.content import (
        bench_image_add,
        bench_learner_with_consent,
        bench_news_page_add,
    )
    from bench.support.publishing_stack import make_school

    index, accounts = make_school(accounts=2)
    pages = []
    for number in range(POSTS):
        learner = bench_learner_with_consent()
        photo = bench_image_add(learner, title=f"Class photo {number}", width=800)
        page = bench_news_page_add(
            parent=index, title=f"Snow day news {number}", listing_image=photo
        )
        pages.append((page, learner, photo))
    return index, accounts, pages


def publish(page, accounts) -> None:
    from publishing.models import SocialPost

    SocialPost.objects.bulk_create(
        SocialPost(page=page, account=account, text=f"{page.title} ({account.name})")
        for account in accounts
    )
    page.save_revision().publish()


def deliveries_settled() -> bool:
    from publishing.models import Delivery

    return not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def main() -> int:
    figures: dict[str, object] = {}
    failures: list[str] = []
    with Cluster() as cluster:
        from django.utils import timezone

        from cms.media_removals import MediaRemoval
        from cms.models import SchoolImage
        from moderation.consent.services import consent_record
        from publishing.models import Delivery
        from publishing.scheduled_jobs.models import JobRun

        index, accounts, pages = build_school()
        cluster.warm_up()
        port = cluster.nginx_port
        paths = ["/", "/news/"]

        # 1. Publish under load; kill a web instance and a worker; restart Redis.
        started = time.perf_counter()
        with Readers(port, paths, READERS) as readers:
            for number, (page, _learner, _photo) in enumerate(pages):
                publish(page, accounts)
                if number == len(pages) // 4:
                    cluster.kill(cluster.processes["web"][0])
                if number == len(pages) // 3 and not REDUCED:
                    cluster.kill(cluster.processes["worker"][0])
                if number == len(pages) // 2:
                    figures["redis_down_seconds"] = round(cluster.restart_redis(), 2)
            settle = wait_until(
                deliveries_settled, timeout=SETTLE_TIMEOUT, what="every post sent"
            )
            paths += [page.url for page, _, _ in pages]
        figures["publish_to_all_sent_seconds"] = round(time.perf_counter() - started, 1)
        figures["settle_after_last_publish_seconds"] = round(settle, 1)
        figures["readers_during_faults"] = dict(readers.statuses)
        if set(readers.statuses) - {200}:
            failures.append(f"readers saw {dict(readers.statuses)} during the faults")
        sent = Counter()
        for emulator in (cluster.x, cluster.facebook):
            for post in emulator.state()["posts"]:
                sent[post.get("text") or post.get("message", "")] += 1
        expected = {
            f"{page.title} ({account.name})" for page, _, _ in pages
            for account in accounts
        }  # fmt: skip
        sent_texts = {text.split("\n")[0] for text in sent}
        lost = [t for t in expected if not any(s.startswith(t) for s in sent_texts)]
        doubled = [text for text, count in sent.items() if count > 1]
        figures["posts_expected"] = len(expected)
        figures["posts_on_networks"] = sum(sent.values())
        figures["deliveries_by_status"] = dict(
            Counter(Delivery.objects.values_list("status", flat=True))
        )
        if lost:
            failures.append(f"{len(lost)} post(s) lost: {lost[:3]}")
        if doubled:
            failures.append(f"{len(doubled)} post(s) doubled: {doubled[:3]}")

        # 2. Withdrawals, one while S3 does not answer.
        withdrawn = pages[:WITHDRAWALS]
        copies = {}
        for _page, _learner, photo in withdrawn:
            photo = SchoolImage.objects.get(pk=photo.pk)
            copies[photo.pk] = [
                copy["name"] for copy in photo.public_files["files"].values()
            ]
        every_copy = [name for names in copies.values() for name in names]
        first_copy = every_copy[0]
        served = get(port, f"/media/public/{first_copy}")
        if served != 200:
            failures.append(f"a published photo's copy answered {served} via nginx")
        if not set(every_copy) <= cluster.public_keys():
            failures.append("published copies are missing from the public bucket")
        cluster.cdn.reset()
        withdrawal_seconds = []
        for number, (_page, learner, photo) in enumerate(withdrawn):
            if number == 0:
                cluster.pause_s3()
            began = time.perf_counter()
            consent_record(
                learner=learner,
                use="website",
                given=False,
                given_on=timezone.localdate(),
                recorded_by="Office",
            )
            withdrawal_seconds.append(time.perf_counter() - began)
            unreachable = [
                get(port, f"/media/public/{name}") for name in copies[photo.pk]
            ]
            if set(unreachable) != {404}:
                failures.append(
                    f"withdrawn copy still served at once: {Counter(unreachable)}"
                )
            if number == 0:
                figures["removals_waiting_during_s3_outage"] = (
                    MediaRemoval.objects.outstanding()
                    .filter(kind=MediaRemoval.Kind.STORAGE)
                    .count()
                )
                cluster.resume_s3()
        figures["withdrawal_seconds_max"] = round(max(withdrawal_seconds), 2)
        cleared = wait_until(
            lambda: (
                not MediaRemoval.objects.outstanding().exists()
                and not set(every_copy) & cluster.public_keys()
            ),
            timeout=SETTLE_TIMEOUT,
            what="withdrawn copies deleted from S3 and purged",
        )
        figures["withdrawals_cleared_seconds"] = round(cleared, 1)
        purged = set(cluster.cdn.purged)
        unpurged = [
            name for name in every_copy
            if f"http://localhost/media/public/{name}" not in purged
        ]  # fmt: skip
        if unpurged:
            failures.append(f"{len(unpurged)} withdrawn copies never purged")
        figures["withdrawn_copies"] = len(every_copy)
        figures["withdrawn_copies_left_in_s3"] = len(
            set(every_copy) & cluster.public_keys()
        )

        # 3. Two cron hosts: each job ran once per slot.
        runs = Counter(JobRun.objects.values_list("job", "slot"))
        figures["scheduled_job_runs"] = sum(runs.values())
        figures["cron_processes"] = len(cluster.processes["cron"])
        if any(count > 1 for count in runs.values()) or not runs:
            failures.append(f"scheduled runs per slot: {runs.most_common(3)}")

        # 4. Snow-day throughput: one school's home page through nginx.
        with Readers(port, ["/"], READERS) as load:
            time.sleep(SECONDS)
        answered = sum(load.statuses.values())
        figures["snow_day"] = {
            "web_instances_alive": sum(
                process.poll() is None for process in cluster.processes["web"]
            ),
            "readers": READERS,
            "requests_per_second": round(answered / SECONDS),
            "median_ms": round(statistics.median(load.latencies) * 1000, 1),
            "p99_ms": round(statistics.quantiles(load.latencies, n=100)[98] * 1000, 1),
            "statuses": dict(load.statuses),
        }
        figures["database"] = cluster.env["DATABASE_URL"].split(":", 1)[0]
        figures["at"] = datetime.datetime.now(datetime.UTC).isoformat(
            timespec="seconds"
        )
    figures["failures"] = failures
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
