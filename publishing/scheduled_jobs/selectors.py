"""Reads for the "Scheduled jobs" report and the dashboard warning.

A job that ran and failed is not a job that did not run: the first has a reason
(the holiday-notice template is empty), the second means the cron process or the
server is down. Each status says which, so nobody restarts a server to fix a template.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import JobRun
from .registry import SCHEDULED_JOBS, ScheduledJob
from .schedules import school_zone
from .services import MAX_ATTEMPTS


@dataclass(frozen=True)
class JobStatus:
    job: ScheduledJob
    last_run: JobRun | None
    next_run: datetime.datetime
    not_run: bool  # no run at all for a slot past its grace: nothing woke it
    stuck: bool  # started and not finished within the grace

    @property
    def failed(self) -> bool:
        """The latest run ran and failed; ``last_run.outcome`` says why."""
        return (
            self.last_run is not None and self.last_run.status == JobRun.Status.FAILED
        )

    @property
    def tried_again(self) -> bool:
        """A failed slot is tried again at the next wake-ups until attempts run out."""
        return self.failed and self.last_run.attempts < MAX_ATTEMPTS

    @property
    def needs_attention(self) -> bool:
        return self.failed or self.not_run or self.stuck


def scheduled_jobs_status(*, now: datetime.datetime) -> list[JobStatus]:
    """Each job's last run and next run, and whether it failed, is stuck or did not
    run when due (past the schedule's grace with no run for its slot)."""
    zone = school_zone()
    statuses = []
    for job in SCHEDULED_JOBS:
        last_run = JobRun.objects.filter(job=job.name).order_by("-slot").first()
        due = job.schedule.latest_slot(now, zone)
        ran = last_run is not None and last_run.slot >= due
        stuck = (
            last_run is not None
            and last_run.status == JobRun.Status.RUNNING
            and now > last_run.started_at + job.schedule.grace
        )
        statuses.append(
            JobStatus(
                job=job,
                last_run=last_run,
                next_run=job.schedule.next_slot(now, zone),
                not_run=not ran and now > due + job.schedule.grace,
                stuck=stuck,
            )
        )
    return statuses


def jobs_needing_attention(*, now: datetime.datetime) -> list[JobStatus]:
    return [
        status for status in scheduled_jobs_status(now=now) if status.needs_attention
    ]
