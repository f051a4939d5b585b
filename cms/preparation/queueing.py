"""Wake-ups for public-copy preparation on the 'media' rq queue.

As for the delivery ledger, every enqueue happens after the transaction commits
(``cms.queueing``), and if Redis cannot be reached the item simply stays waiting
for the minute sweep. A queue of its own, so fifty photos never hold up a social
post or the cron jobs, and more workers on it copy more photos at once.
"""

from __future__ import annotations

from datetime import datetime

from rq import Queue
from rq.job import JobStatus

from ..queueing import job_enqueue_on_commit, job_running, rq_queue

QUEUE_NAME = "media"
JOB_FUNCTION = "cms.jobs.prepare_public_copies"


def media_queue() -> Queue:
    return rq_queue(QUEUE_NAME)


def prepared_medium_job_id(*, medium_id: int, attempt: int) -> str:
    return f"cms-prepare-{medium_id}-{attempt}"


def prepared_medium_enqueue_on_commit(*, medium_id: int, attempt: int) -> None:
    job_enqueue_on_commit(
        queue_name=QUEUE_NAME,
        function=JOB_FUNCTION,
        kwargs={"medium_id": medium_id, "attempt": attempt},
        job_id=prepared_medium_job_id(medium_id=medium_id, attempt=attempt),
        event="preparation.enqueue_failed",
    )


def prepared_medium_job_pending(*, medium_id: int, attempt: int, now: datetime) -> bool:
    """Whether a job will still make this item's copies: queued, or running alive.

    A started job whose heartbeat ran out (its worker was killed) is not pending.

    Raises:
        RedisError: Redis cannot be reached.
    """
    queue = media_queue()
    job_id = prepared_medium_job_id(medium_id=medium_id, attempt=attempt)
    job = queue.fetch_job(job_id)
    if job is None:
        return False
    status = job.get_status(refresh=False)
    if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
        return True
    return status == JobStatus.STARTED and job_running(
        queue=queue, job_id=job_id, now=now
    )
