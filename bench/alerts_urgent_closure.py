"""Parent alerts: an urgent closure emailed to 2,000 families through the local sink
and pushed to 2,000 devices through the local push service.

Prints the time from `revision.publish()` (the head's approval) until the SMTP sink
has accepted the last email and the push service the last notification (each
encrypted for its device and VAPID-signed, checked and decrypted by the emulator),
the messages a second, and the worker's memory before and after (it should stay
flat: the senders read rows in batches). One worker process, as the Procfile runs
it; the database and Redis as for the publishing benchmarks (DATABASE_URL for
PostgreSQL). BENCH_ALERT_FAMILIES and BENCH_ALERT_DEVICES change the numbers.

All the while the public website answers its snow-day load, as on the morning itself:
the site as bench/snow_day.py serves it (gunicorn, production settings, page cache)
on the same database and Redis, and wrk asking for the home page, the news, the
notices, the "Get updates" page and the API in turn over BENCH_SITE_CONNECTIONS (32)
connections. It prints the site's requests a second, median and p99 and its errors
(answers that were not 2xx/3xx, requests with no answer) for BENCH_SITE_QUIET_SECONDS
(10) before the approval, with the worker idle, and from the approval to the last
message, so the two can be compared. wrk comes from Debian (installed when missing,
as root, as the snow-day bench does).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack
from bench.support.site_under_load import PublicSite
from emulators.mail import MailSink
from emulators.push import PushServiceEmulator

FAMILIES = int(os.environ.get("BENCH_ALERT_FAMILIES", "2000"))
DEVICES = int(os.environ.get("BENCH_ALERT_DEVICES", "2000"))
SITE_CONNECTIONS = int(os.environ.get("BENCH_SITE_CONNECTIONS", "32"))
SITE_QUIET_SECONDS = float(os.environ.get("BENCH_SITE_QUIET_SECONDS", "10"))
SMTP = "django.core.mail.backends.smtp.EmailBackend"
#: What parents open on a snow morning (a news index with a page of stories).
SITE_PATHS = [
    "/",
    "/news/",
    "/notices/",
    "/updates/",
    "/api/v2/pages/?type=cms.NewsPage&limit=10",
]
STORIES = 12


def worker_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    from alerts.push_keys import vapid_keys_generate

    keys = vapid_keys_generate()
    with MailSink() as sink, PushServiceEmulator() as push:
        os.environ.update(
            ALERTS_EMAIL_BACKEND=SMTP,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.smtp_port),
            ALERTS_PUSH_VAPID_PUBLIC_KEY=keys.public_key,
            ALERTS_PUSH_VAPID_PRIVATE_KEY=keys.private_key,
            ALERTS_PUSH_EXTRA_SERVICES=push.base_url,
        )
        with PublishingStack() as stack, contextlib.ExitStack() as later:
            from django.utils import timezone
            from rq import Worker
            from wagtail.models import Site

            from alerts.models import (
                AlertEmail,
                AlertPush,
                Category,
                Frequency,
                PushDevice,
                Subscriber,
                Subscription,
            )
            from alerts.queueing import alerts_queue
            from bench.support.content import (
                bench_news_index_add,
                bench_news_page_add,
            )
            from cms.models import NoticeIndexPage, NoticePage

            site = Site.objects.get(is_default_site=True)
            notices = site.root_page.add_child(
                instance=NoticeIndexPage(title="Notices")
            )
            news = bench_news_index_add(parent=site.root_page, slug="news")
            for _ in range(STORIES):
                bench_news_page_add(parent=news).save_revision().publish()
            now = timezone.now()
            subscribers = Subscriber.objects.bulk_create(
                Subscriber(
                    site=site,
                    email=f"family{n}@families.example",
                    email_key=f"family{n}@families.example",
                    confirmed_at=now,
                )
                for n in range(FAMILIES)
            )
            Subscription.objects.bulk_create(
                Subscription(
                    subscriber=s,
                    category=Category.URGENT,
                    frequency=Frequency.IMMEDIATE,
                )
                for s in subscribers
            )
            devices = [
                push.new_device(application_server_key=keys.public_key)
                for _ in range(DEVICES)
            ]
            PushDevice.objects.bulk_create(
                PushDevice(
                    site=site,
                    endpoint=device["endpoint"],
                    p256dh=device["keys"]["p256dh"],
                    auth=device["keys"]["auth"],
                    categories=PushDevice.categories_value([Category.URGENT]),
                )
                for device in devices
            )
            public_site = later.enter_context(PublicSite())
            for path in SITE_PATHS * 2:  # every page in the page cache
                public_site.fetch(path)
            stack.start_worker()
            # The worker is up (listening: on a busy machine it takes a while to
            # start) and idle.
            listening = alerts_queue().connection
            stack.wait_until(lambda: Worker.count(listening) > 0, timeout=600)
            time.sleep(3)
            before = worker_memory_mb(stack.worker.pid)
            with public_site.load(SITE_PATHS, connections=SITE_CONNECTIONS) as quiet:
                time.sleep(SITE_QUIET_SECONDS)
            notice = notices.add_child(
                instance=NoticePage(
                    title="School closed today: snow",
                    kind=NoticePage.Kind.CLOSURE,
                    message="<p>Snow.</p>",
                    live=False,
                )
            )
            with public_site.load(SITE_PATHS, connections=SITE_CONNECTIONS) as busy:
                started = time.perf_counter()
                notice.save_revision().publish()
                approved = time.perf_counter() - started
                first = stack.wait_until(
                    lambda: len(sink.received) >= min(200, FAMILIES), timeout=600
                )
                after_first_batch = worker_memory_mb(stack.worker.pid)
                pushed = stack.wait_until(
                    lambda: len(push.messages) >= DEVICES, timeout=600
                )
                push_total = approved + first + pushed
                waited = stack.wait_until(
                    lambda: len(sink.received) >= FAMILIES, timeout=600
                )
                total = push_total + waited
            after = worker_memory_mb(stack.worker.pid)
            sent = AlertEmail.objects.filter(status=AlertEmail.Status.SENT).count()
            pushes_sent = AlertPush.objects.filter(status=AlertPush.Status.SENT).count()
            accepted = len(sink.received)
            readable = sum(1 for message in push.messages if message.payload)
            print(f"families: {FAMILIES}, emails accepted by the sink: {accepted}")
            print(
                f"devices: {DEVICES}, notifications accepted by the push service: "
                f"{len(push.messages)} ({readable} decrypted as the phone would, "
                f"{len(push.refusals)} refused)"
            )
            print(f"ledger rows sent: {sent} emails, {pushes_sent} pushes")
            print(f"approval (publish + writing the ledger): {approved:.2f} s")
            print(
                f"approval to the last notification accepted: {push_total:.1f} s "
                "(target 60 s)"
            )
            print(f"approval to the last email accepted: {total:.1f} s (target 60 s)")
            print(f"notifications a second: {DEVICES / push_total:.0f}")
            print(f"emails a second: {FAMILIES / total:.0f}")
            print(
                f"worker memory: {before:.0f} MB idle, {after_first_batch:.0f} MB "
                f"after the first 200 emails, {after:.0f} MB after the last"
            )
            print(
                f"public site ({SITE_CONNECTIONS} connections; "
                f"{', '.join(SITE_PATHS)} in turn):"
            )
            for label, load in (
                (f"{SITE_QUIET_SECONDS:.0f} s before the approval", quiet),
                ("approval to the last message", busy),
            ):
                figures = load.figures
                print(
                    f"  {label}: {figures['rps']:.0f} requests a second, median "
                    f"{figures['median_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, "
                    f"{figures['errors']} error answers, "
                    f"{figures['socket_errors']} unanswered"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
