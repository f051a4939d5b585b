"""Wake-ups for the delivery ledger on the 'publishing' rq queue.

The database is the source of truth and Redis only carries wake-ups: every enqueue
happens after the transaction commits, and if Redis cannot be reached the delivery
simply stays due for the sweep (``cms.queueing``, shared with cms's preparations).
"""

from __future__ import annotations

from datetime import datetime

from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import JobStatus

from cms.queueing import job_enqueue_on_commit, job_running, rq_queue

QUEUE_NAME = "publishing"
JOB_FUNCTION = "publishing.jobs.process_delivery"


def delivery_queue() -> Queue:
    return rq_queue(QUEUE_NAME)


def delivery_job_id(*, delivery_id: int, attempt: int) -> str:
    """One job id per attempt: a stale wake-up for an earlier attempt does nothing."""
    return f"publishing-delivery-{delivery_id}-{attempt}"


def delivery_enqueue_on_commit(
    *, delivery_id: int, attempt: int, at: datetime | None = None
) -> None:
    """Enqueue (now, or at ``at``) once the current transaction commits."""
    job_enqueue_on_commit(
        queue_name=QUEUE_NAME,
        function=JOB_FUNCTION,
        kwargs={"delivery_id": delivery_id, "attempt": attempt},
        job_id=delivery_job_id(delivery_id=delivery_id, attempt=attempt),
        event="publishing.enqueue_failed",
        at=at,
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

    A live worker renews its heartbeat (``publishing.worker.LedgerWorker`` every
    third of ``PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS``); see
    ``cms.queueing.job_running``.

    Raises:
        RedisError: Redis cannot be reached; the caller cannot tell.
    """
    return job_running(
        queue=delivery_queue(),
        job_id=delivery_job_id(delivery_id=delivery_id, attempt=attempt),
        now=now,
    )
