"""Parent alerts: an urgent closure emailed to 2,000 families through the local sink.

Prints the time from `revision.publish()` (the head's approval) until the SMTP sink
has accepted the last email, the emails a second, and the worker's memory before and
after (it should stay flat: the sender reads rows in batches). One worker process, as
the Procfile runs it; the database and Redis as for the publishing benchmarks
(DATABASE_URL for PostgreSQL). Web push is not built yet, so only email is measured.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack
from emulators.mail import MailSink

FAMILIES = int(os.environ.get("BENCH_ALERT_FAMILIES", "2000"))
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def worker_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    with MailSink() as sink:
        os.environ.update(
            ALERTS_EMAIL_BACKEND=SMTP,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.smtp_port),
        )
        with PublishingStack() as stack:
            from django.utils import timezone
            from wagtail.models import Site

            from alerts.models import (
                AlertEmail,
                Category,
                Frequency,
                Subscriber,
                Subscription,
            )
            from cms.models import NoticeIndexPage, NoticePage

            site = Site.objects.get(is_default_site=True)
            notices = site.root_page.add_child(
                instance=NoticeIndexPage(title="Notices")
            )
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
            stack.start_worker()
            time.sleep(3)  # the worker is up and idle
            before = worker_memory_mb(stack.worker.pid)
            notice = notices.add_child(
                instance=NoticePage(
                    title="School closed today: snow",
                    kind=NoticePage.Kind.CLOSURE,
                    message="<p>Snow.</p>",
                    live=False,
                )
            )
            started = time.perf_counter()
            notice.save_revision().publish()
            approved = time.perf_counter() - started
            first = stack.wait_until(lambda: len(sink.received) >= 200, timeout=600)
            after_first_batch = worker_memory_mb(stack.worker.pid)
            waited = stack.wait_until(
                lambda: len(sink.received) >= FAMILIES, timeout=600
            )
            total = approved + first + waited
            after = worker_memory_mb(stack.worker.pid)
            sent = AlertEmail.objects.filter(status=AlertEmail.Status.SENT).count()
            accepted = len(sink.received)
            print(f"families: {FAMILIES}, emails accepted by the sink: {accepted}")
            print(f"ledger rows sent: {sent}")
            print(f"approval (publish + writing the ledger): {approved:.2f} s")
            print(f"approval to the last email accepted: {total:.1f} s (target 60 s)")
            print(f"emails a second: {FAMILIES / total:.0f}")
            print(
                f"worker memory: {before:.0f} MB idle, {after_first_batch:.0f} MB "
                f"after the first 200 emails, {after:.0f} MB after the last"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
