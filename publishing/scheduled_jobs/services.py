"""Run a scheduled job for its due slot, once, and record the outcome."""

from __future__ import annotations

import datetime
import logging
import time

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from .errors import SchoolsFailed
from .models import JobRun
from .registry import JOBS_BY_NAME, ScheduledJob
from .schedules import school_zone

logger = logging.getLogger(__name__)

# A failed slot is tried again at the next wake-ups, this many times in all.
MAX_ATTEMPTS = 3
# A run still "running" after this long was left by a worker that died.
RUNNING_TIMEOUT = datetime.timedelta(minutes=15)


def _claim(job: ScheduledJob, *, slot, now) -> JobRun | None:
    """Make this process the one running ``job`` for ``slot``, or None if it is not.

    A new slot: insert its row (the unique constraint lets one process win). A slot
    that failed, or was left running by a dead worker: a conditional UPDATE.
    """
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, slot=slot, started_at=now)
    except IntegrityError:
        pass
    retried = JobRun.objects.filter(
        Q(status=JobRun.Status.FAILED)
        | Q(status=JobRun.Status.RUNNING, started_at__lt=now - RUNNING_TIMEOUT),
        job=job.name,
        slot=slot,
        attempts__lt=MAX_ATTEMPTS,
    ).update(
        status=JobRun.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
    )
    return JobRun.objects.get(job=job.name, slot=slot) if retried else None


#: Where the project's own errors live: their messages are written for staff.
OWN_APPS = ("cms.", "moderation.", "publishing.", "home.")


def failure_reason(error: Exception) -> str:
    """Why a run failed, for the dashboard: our own errors say what to do in words;
    anything else is named as unexpected, with the details left to the server log."""
    if type(error).__module__.startswith(OWN_APPS) and str(error):
        return str(error)
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"An unexpected error stopped it ({detail}); the server log has the details."


def scheduled_job_run(*, name: str, now: datetime.datetime) -> JobRun | None:
    """Run job ``name`` if its latest slot at ``now`` has not run yet.

    Called by the cron process every minute for every job. Returns the run, or None
    when the slot was already done (or is being done) by another wake-up.

    Raises:
        KeyError: no job of that name.
    """
    job = JOBS_BY_NAME[name]
    slot = job.schedule.latest_slot(now, school_zone())
    run = _claim(job, slot=slot, now=now)
    if run is None:
        return None
    started = time.monotonic()
    school_problems: dict[str, str] = {}
    try:
        outcome = job.run(now)
        status = JobRun.Status.SUCCEEDED
    except SchoolsFailed as error:
        # Each school's staff are shown their own school's reason only.
        outcome = str(error)
        school_problems = {str(pk): reason for pk, reason in error.problems.items()}
        status = JobRun.Status.FAILED
    except Exception as error:  # noqa: BLE001
        # A job's failure is recorded and shown on the dashboard, never lost; the
        # slot is tried again at the next wake-up (up to MAX_ATTEMPTS).
        logger.exception(
            "Scheduled job %s failed",
            name,
            extra={"event": "scheduled_job.failed", "job": name},
        )
        outcome = failure_reason(error)
        status = JobRun.Status.FAILED
    elapsed = datetime.timedelta(seconds=time.monotonic() - started)
    JobRun.objects.filter(pk=run.pk).update(
        status=status,
        outcome=outcome,
        school_problems=school_problems,
        finished_at=now + elapsed,
    )
    run.refresh_from_db()
    logger.info(
        "Scheduled job %s: %s",
        name,
        outcome,
        extra={"event": "scheduled_job.finished", "job": name, "status": status},
    )
    return run
