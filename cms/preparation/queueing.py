"""Wake-ups for public-copy preparation on the 'media' rq queue.

As for the delivery ledger (publishing/queueing.py): every enqueue happens after the
transaction commits, and if Redis cannot be reached the item simply stays waiting
for the minute sweep. A queue of its own, so fifty photos never hold up a social
post or the cron jobs, and more workers on it copy more photos at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_rq.connection_utils import get_redis_connection
from redis.exceptions import RedisError
from rq import Queue
from rq.job import JobStatus

logger = logging.getLogger(__name__)

QUEUE_NAME = "media"
JOB_FUNCTION = "cms.jobs.prepare_public_copies"


def media_queue() -> Queue:
    config = settings.RQ_QUEUES[QUEUE_NAME]
    return Queue(
        QUEUE_NAME,
        connection=get_redis_connection(config),
        default_timeout=config.get("DEFAULT_TIMEOUT"),
    )


def prepared_medium_job_id(*, medium_id: int, attempt: int) -> str:
    return f"cms-prepare-{medium_id}-{attempt}"


def _enqueue(*, medium_id: int, attempt: int) -> None:
    try:
        media_queue().enqueue(
            JOB_FUNCTION,
            kwargs={"medium_id": medium_id, "attempt": attempt},
            job_id=prepared_medium_job_id(medium_id=medium_id, attempt=attempt),
        )
    except RedisError:
        # Not swallowed: the row stays waiting and the minute sweep enqueues it when
        # Redis is back. Approving must never fail because Redis is down.
        logger.warning(
            "Could not reach Redis to prepare item %s; the sweep will retry",
            medium_id,
            extra={"event": "preparation.enqueue_failed", "medium": medium_id},
        )


def prepared_medium_enqueue_on_commit(*, medium_id: int, attempt: int) -> None:
    transaction.on_commit(lambda: _enqueue(medium_id=medium_id, attempt=attempt))


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
    if status == JobStatus.STARTED:
        registry = queue.started_job_registry
        if job_id in registry.get_job_ids(cleanup=False) and job_id not in (
            registry.get_expired_job_ids(timestamp=now.timestamp())
        ):
            return True
    return False
