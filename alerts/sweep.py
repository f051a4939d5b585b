"""The minute sweep of both ledgers (run by cron through publishing's registry)."""

from __future__ import annotations

from datetime import datetime

from .models import AlertPush
from .push_sending import alert_pushes_sweep
from .queueing import send_job_enqueue
from .sending import alert_emails_sweep


def alerts_sweep(*, now: datetime) -> str:
    """Emails left by a stopped worker are ``unknown``; pushes go back to the queue;
    every school with something due is woken."""
    emails = alert_emails_sweep(now=now)
    put_back = alert_pushes_sweep(now=now)
    site_ids = set(
        AlertPush.objects.filter(
            status=AlertPush.Status.QUEUED, next_attempt_at__lte=now
        ).values_list("alert__site_id", flat=True)
    )
    woken = sum(1 for site_id in site_ids if send_job_enqueue(site_id=site_id))
    return (
        f"{emails} {woken} school(s) with pushes due woken, {put_back} push(es) put "
        "back in the queue."
    )
