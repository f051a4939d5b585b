"""Wake-ups for the alert sender on the 'alerts' rq queue.

As for social deliveries, the database is the source of truth and Redis only carries
wake-ups: if Redis is down when a closure is approved, the rows stay due and the
minute sweep enqueues the sender when Redis is back.
"""

from __future__ import annotations

import logging

from django.db import transaction
from redis.exceptions import RedisError
from rq import Queue
from rq.job import JobStatus

from cms.queueing import rq_queue

logger = logging.getLogger(__name__)

QUEUE_NAME = "alerts"
JOB_FUNCTION = "alerts.jobs.send_due_alerts"
WAITING = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def alerts_queue() -> Queue:
    return rq_queue(QUEUE_NAME)


def send_job_enqueue(*, site_id: int) -> bool:
    """Wake the sender for one school, unless a wake-up is already waiting.

    A sender already running may have read the due rows before new ones were
    written, so a second (follow-up) wake-up may wait behind it. Two senders at once
    are harmless: each row is claimed by one.

    Returns:
        False when Redis could not be reached (the sweep will try again).
    """
    try:
        queue = alerts_queue()
        for job_id in (f"alerts-send-{site_id}", f"alerts-send-{site_id}-next"):
            job = queue.fetch_job(job_id)
            status = job.get_status(refresh=False) if job is not None else None
            if status in WAITING:
                return True
            if status == JobStatus.STARTED:
                continue
            if job is not None:
                job.delete()
            queue.enqueue(JOB_FUNCTION, kwargs={"site_id": site_id}, job_id=job_id)
            return True
        return True
    except RedisError:
        logger.warning(
            "Could not reach Redis to wake the alert sender for site %s; the sweep "
            "will try again",
            site_id,
            extra={"event": "alerts.enqueue_failed", "site": site_id},
        )
        return False


def send_job_enqueue_on_commit(*, site_id: int) -> None:
    transaction.on_commit(lambda: send_job_enqueue(site_id=site_id))
