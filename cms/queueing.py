"""Wake-ups on the rq queues, for every app that keeps a ledger in the database.

The database is the source of truth and Redis only carries wake-ups: a job is
enqueued only once the transaction that wrote its row commits, and when Redis cannot
be reached the row simply stays due for its minute sweep. Each queue is built from
``settings.RQ_QUEUES`` at each call (not django-rq's import-time copy), so the
connection in force is the one used. Here in cms, at the bottom of the import arrows,
so cms's preparations and publishing's deliveries share it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django_rq.connection_utils import get_redis_connection
from redis.exceptions import RedisError
from rq import Queue

logger = logging.getLogger(__name__)


def rq_queue(name: str) -> Queue:
    """The rq queue ``name`` on the Redis that ``settings.RQ_QUEUES`` names now."""
    config = settings.RQ_QUEUES[name]
    return Queue(
        name,
        connection=get_redis_connection(config),
        default_timeout=config.get("DEFAULT_TIMEOUT"),
    )


def _enqueue(
    *,
    queue_name: str,
    function: str,
    kwargs: dict[str, Any],
    job_id: str,
    at: datetime | None,
    event: str,
) -> None:
    try:
        queue = rq_queue(queue_name)
        if at is None:
            queue.enqueue(function, kwargs=kwargs, job_id=job_id)
        else:
            queue.enqueue_at(at, function, kwargs=kwargs, job_id=job_id)
    except RedisError:
        # Not swallowed: the row stays due and the minute sweep enqueues it when
        # Redis is back. Approving must never fail because Redis is down.
        logger.warning(
            "Could not reach Redis to enqueue %s; the sweep will retry",
            job_id,
            extra={"event": event, "job": job_id},
        )


def job_enqueue_on_commit(
    *,
    queue_name: str,
    function: str,
    kwargs: dict[str, Any],
    job_id: str,
    event: str,
    at: datetime | None = None,
) -> None:
    """Enqueue ``function(**kwargs)`` (now, or at ``at``) once the transaction commits.

    Args:
        event: the log event recorded when Redis cannot be reached.
    """
    transaction.on_commit(
        lambda: _enqueue(
            queue_name=queue_name,
            function=function,
            kwargs=kwargs,
            job_id=job_id,
            at=at,
            event=event,
        )
    )


def job_running(*, queue: Queue, job_id: str, now: datetime) -> bool:
    """Whether ``job_id`` is being run by a live worker at ``now``.

    rq keeps each running job in the queue's StartedJobRegistry until its heartbeat
    expires; a live worker renews it. A job that is not there, or whose heartbeat
    ran out before ``now``, is not being run: its worker died (or was killed)
    mid-job. This is what tells a dead job from a slow one.

    Raises:
        RedisError: Redis cannot be reached; the caller cannot tell.
    """
    registry = queue.started_job_registry
    if job_id not in registry.get_job_ids(cleanup=False):
        return False
    return job_id not in registry.get_expired_job_ids(timestamp=now.timestamp())
