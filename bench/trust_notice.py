"""A trust's urgent notice to 300 schools: approval to the last banner, posts, purges.

Builds 300 schools (a Wagtail site each, with its own host name, home page and one
connected X account) in one trust, loads each school's home page once so the page
cache holds it without the notice, then publishes a trust closure for all of them
as the trust senior leader's approval does (``revision.publish()``), and prints the
seconds from approval to:

- the banner on every school's home page, read through the page cache with the
  Django test client (one request per school, the last school last);
- every school account's delivery written and its send queued (rq);
- the CDN purge job queued (the CDN is the loopback purge emulator), and every
  school's addresses purged by one worker process.

Usage: ``python bench/trust_notice.py [SCHOOLS]`` (300 by default); DATABASE_URL and
REDIS_URL as for the other benches (a fresh database is made and dropped).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import PublishingStack

SCHOOLS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
TITLE = "All our schools are closed today"


def build_trust(count: int):
    """``count`` schools of one trust, each with a connected X account."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from wagtail.models import Page, Site

    from cms.models import TrustNoticePage, TrustNoticesPage
    from emulators.x import DEMO_X_ACCOUNT
    from home.models import HomePage
    from publishing.models import SocialAccount
    from publishing.services.accounts import account_credentials_store
    from schools.models import Trust
    from schools.services import school_add

    users = get_user_model().objects
    head = users.create(username="head", email="head@trust.example")
    deputy = users.create(username="deputy", email="deputy@trust.example")
    trust = Trust.objects.create(name="Valley Trust")
    root = Page.get_first_root_node()
    sites = []
    for number in range(count):
        home = root.add_child(
            instance=HomePage(title=f"School {number}", slug=f"school-{number}")
        )
        site = Site.objects.create(
            hostname=f"school-{number}.example", port=80, root_page=home,
            site_name=f"School {number}",
        )  # fmt: skip
        school_add(site=site, trust=trust)
        account = SocialAccount.objects.create(
            site=site, name=f"School {number} X", network="x",
            aim="a", audience="a", promotion_plan="a", visibility="closed",
            access_locations="a", monitoring_plan="a", escalation_procedure="a",
            owner=head, proposed_by=deputy, status="approved",
        )  # fmt: skip
        account.managers.set([head, deputy])
        account_credentials_store(account=account, credentials=DEMO_X_ACCOUNT, by=head)
        sites.append(site)
    folder = root.add_child(
        instance=TrustNoticesPage(title="Valley Trust", slug="valley", trust=trust)
    )
    notice = folder.add_child(
        instance=TrustNoticePage(
            title=TITLE, kind="closure", message="<p>Snow.</p>",
            valid_from=timezone.now(), live=False,
        )
    )  # fmt: skip
    notice.schools.set(sites)
    notice.save()
    return notice, sites


def main() -> int:
    from emulators.cdn import CdnPurgeEmulator

    cdn = CdnPurgeEmulator().start()
    os.environ.update(
        CDN_PURGE_BACKEND="http",
        CDN_PURGE_URL=cdn.base_url,
        ALLOWED_HOSTS=".example,localhost,127.0.0.1",
    )
    try:
        with PublishingStack() as stack:
            return measure(stack, cdn)
    finally:
        cdn.stop()


def measure(stack, cdn) -> int:
    import django_rq
    from django.test import Client

    from publishing.models import Delivery
    from publishing.queueing import delivery_queue

    made = time.perf_counter()
    notice, sites = build_trust(SCHOOLS)
    print(f"{SCHOOLS} schools built in {time.perf_counter() - made:.0f} s")
    clients = [Client(HTTP_HOST=site.hostname) for site in sites]
    for client in clients:  # every home page cached without the notice
        assert TITLE not in client.get("/").content.decode()
    default_queue = django_rq.get_queue("default")
    default_queue.empty()
    revision = notice.save_revision()

    started = time.perf_counter()
    revision.publish()
    approved = time.perf_counter() - started
    queued_posts = delivery_queue().count
    deliveries = Delivery.objects.filter(page=notice).count()
    purge_jobs = default_queue.count
    after_queues = time.perf_counter() - started
    for client in clients:
        while TITLE not in client.get("/").content.decode():
            time.sleep(0.01)
    to_last_banner = time.perf_counter() - started

    stack.start_worker()  # the Procfile's worker: purges (and sends) from the queues
    purged_at = stack.wait_until(lambda: len(cdn.purged) >= 2 * SCHOOLS, timeout=300)
    print(f"trust closure to {SCHOOLS} schools, {SCHOOLS} accounts:")
    print(f"  approval (publish, {deliveries} deliveries written): {approved:.3f} s")
    print(
        f"  approval to the sends and the purge queued: {after_queues:.3f} s "
        f"({queued_posts} send jobs, {purge_jobs} purge job)"
    )
    print(f"  approval to the banner on the last school: {to_last_banner:.3f} s")
    print(
        f"  approval to {len(cdn.purged)} addresses purged from the CDN: "
        f"{to_last_banner + purged_at:.3f} s"
    )
    within = to_last_banner < 60 and deliveries == SCHOOLS and purge_jobs == 1
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
