"""Approving a 50-photo gallery: the approver's wait, and the time until it is live.

Approval no longer makes the public copies in the approver's request (issue 22): it
records what is to be prepared and returns; rq workers on the 'media' queue make
the copies, one job per photo, and the last one publishes the page. This prints:

- the approval itself (the service the review screen calls, checks included);
- the time from approving until the page is live, with every copy made, and the
  copies made per second, with ``BENCH_WORKERS`` worker processes (default: one
  per CPU);
- beside it, the figure before: publishing the same kind of page in one go, in
  one process, as approval used to inside the request.

Runs on a throwaway stack (bench/support/publishing_stack.py): SQLite under a
temporary folder, or PostgreSQL when ``DATABASE_URL`` is set (a fresh database);
the embedded Redis, or ``REDIS_URL``. ``BENCH_IMAGES=10`` for fewer photos.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.publishing_stack import BASE_DIR, PublishingStack

IMAGES = int(os.environ.get("BENCH_IMAGES", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
TARGET_APPROVAL_SECONDS = 1.0
TARGET_LIVE_SECONDS = 60.0


def start_media_workers(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "rqworker", "media"],
            cwd=BASE_DIR,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def gallery(index, learner, *, title: str, author):
    from bench.support.content import bench_image_add, bench_news_page_add

    images = [
        bench_image_add(learner, title=f"{title} {n}", width=1600, height=1200)
        for n in range(IMAGES)
    ]
    page = bench_news_page_add(
        parent=index,
        title=title,
        listing_image=images[0],
        body=[("image", {"image": image, "caption": ""}) for image in images],
        owner=author,
    )
    page.save_revision(user=author)
    return page


def main() -> int:
    with PublishingStack() as stack:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.utils import timezone
        from rq import Worker
        from wagtail.models import Site

        from bench.support.content import (
            bench_learner_with_consent,
            bench_news_index_add,
        )
        from cms.models import NewsPage
        from cms.preparation.queueing import media_queue
        from cms.public_media import PUBLIC_IMAGE_FILTERS
        from moderation import roles
        from moderation.workflow import services

        User = get_user_model()
        author = User.objects.create(username="author", email="a@school.example")
        author.groups.add(Group.objects.get(name=roles.EDITORS))
        approver = User.objects.create(username="approver", email="b@school.example")
        approver.groups.add(Group.objects.get(name=roles.APPROVERS))
        home = Site.objects.get(is_default_site=True).root_page
        index = bench_news_index_add(parent=home, slug="news")
        learner = bench_learner_with_consent()
        copies = IMAGES * len(PUBLIC_IMAGE_FILTERS)

        # Before: the copies made in one go, in one process, as approval used to.
        before = gallery(index, learner, title="Nativity", author=author)
        started = time.perf_counter()
        before.get_latest_revision().publish()
        before_seconds = time.perf_counter() - started

        workers = start_media_workers(WORKERS)
        try:
            queue = media_queue()
            stack.wait_until(
                lambda: len(Worker.all(queue=queue)) >= WORKERS, timeout=120
            )
            page = gallery(index, learner, title="Sports day", author=author)
            page.get_workflow().start(page, author)
            task_state = page.current_workflow_task_state
            started = time.perf_counter()
            services.approval_approve(
                task_state_id=task_state.pk,
                user=approver,
                step_up=services.StepUpEvidence(
                    device_persistent_id="bench",
                    device_name="bench",
                    verified_at=timezone.now(),
                ),
                revision_id=None,
            )
            approval_seconds = time.perf_counter() - started
            live_seconds = approval_seconds + stack.wait_until(
                lambda: NewsPage.objects.filter(pk=page.pk, live=True).exists(),
                timeout=600,
            )
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)

    print(f"approving a gallery of {IMAGES} photos (1600x1200), {copies} copies")
    print(
        f"  before: approval made every copy in the request: {before_seconds:.1f} s"
        f" ({copies / before_seconds:.1f} copies/s)"
    )
    print(
        f"  now:    the approval request:  {approval_seconds:.2f} s"
        f"  (target < {TARGET_APPROVAL_SECONDS:.0f} s)"
    )
    print(
        f"          until live, every copy made, {WORKERS} worker(s): "
        f"{live_seconds:.1f} s ({copies / live_seconds:.1f} copies/s)"
        f"  (target < {TARGET_LIVE_SECONDS:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
