"""Wake-ups for the delivery ledger on the 'publishing' rq queue.

The database is the source of truth and Redis only carries wake-ups: every enqueue
happens after the transaction commits, and if Redis cannot be reached the delivery
simply stays due for the sweep. The queue is built from ``settings.RQ_QUEUES`` at each
call (not django-rq's import-time copy) so the connection in force is the one used.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_rq.connection_utils import get_redis_connection
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import JobStatus

logger = logging.getLogger(__name__)

QUEUE_NAME = "publishing"
JOB_FUNCTION = "publishing.jobs.process_delivery"


def delivery_queue() -> Queue:
    config = settings.RQ_QUEUES[QUEUE_NAME]
    return Queue(
        QUEUE_NAME,
        connection=get_redis_connection(config),
        default_timeout=config.get("DEFAULT_TIMEOUT"),
    )


def delivery_job_id(*, delivery_id: int, attempt: int) -> str:
    """One job id per attempt: a stale wake-up for an earlier attempt does nothing."""
    return f"publishing-delivery-{delivery_id}-{attempt}"


def _enqueue_now_or_at(*, delivery_id: int, attempt: int, at: datetime | None) -> None:
    try:
        queue = delivery_queue()
        job_id = delivery_job_id(delivery_id=delivery_id, attempt=attempt)
        kwargs = {"delivery_id": delivery_id, "attempt": attempt}
        if at is None:
            queue.enqueue(JOB_FUNCTION, kwargs=kwargs, job_id=job_id)
        else:
            queue.enqueue_at(at, JOB_FUNCTION, kwargs=kwargs, job_id=job_id)
    except RedisError:
        # Not swallowed: the delivery row stays due and the minute sweep enqueues it
        # when Redis is back. Approving a page must never fail because Redis is down.
        logger.warning(
            "Could not reach Redis to enqueue delivery %s; the sweep will retry",
            delivery_id,
            extra={"event": "publishing.enqueue_failed", "delivery": delivery_id},
        )


def delivery_enqueue_on_commit(
    *, delivery_id: int, attempt: int, at: datetime | None = None
) -> None:
    """Enqueue (now, or at ``at``) once the current transaction commits."""
    transaction.on_commit(
        lambda: _enqueue_now_or_at(delivery_id=delivery_id, attempt=attempt, at=at)
    )


def delivery_job_pending(*, delivery_id: int, attempt: int, now: datetime) -> bool:
    """Whether a job will still wake this attempt: queued, running, or scheduled later.

    A job scheduled for a time already past counts as lost (the scheduler is not
    running) and is removed, so the caller can enqueue it again.

    Raises:
        RedisError: Redis cannot be reached.
    """
    queue = delivery_queue()
    job_id = delivery_job_id(delivery_id=delivery_id, attempt=attempt)
    job = queue.fetch_job(job_id)
    if job is None:
        return False
    status = job.get_status(refresh=False)
    if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED):
        return True
    if status == JobStatus.SCHEDULED:
        try:
            scheduled_for = queue.scheduled_job_registry.get_scheduled_time(job)
        except NoSuchJobError:
            scheduled_for = None
        if scheduled_for is not None and scheduled_for > now:
            return True
    job.delete()
    return False


def delivery_job_running(*, delivery_id: int, attempt: int, now: datetime) -> bool:
    """Whether the job of this attempt is being run by a live worker at ``now``.

    rq keeps each running job in the queue's StartedJobRegistry until its heartbeat
    expires; a worker that is alive renews it (``publishing.worker.LedgerWorker``
    every third of ``PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS``). A job that is not
    there, or whose heartbeat ran out before ``now``, is not being run: its worker
    died (or was killed) mid-job. This is what tells a dead send from a slow one.

    Raises:
        RedisError: Redis cannot be reached; the caller cannot tell.
    """
    registry = delivery_queue().started_job_registry
    job_id = delivery_job_id(delivery_id=delivery_id, attempt=attempt)
    if job_id not in registry.get_job_ids(cleanup=False):
        return False
    return job_id not in registry.get_expired_job_ids(timestamp=now.timestamp())
