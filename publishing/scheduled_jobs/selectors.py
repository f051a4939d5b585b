"""Reads for the "Scheduled jobs" report and the dashboard warning."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import JobRun
from .registry import SCHEDULED_JOBS, ScheduledJob
from .schedules import school_zone


@dataclass(frozen=True)
class JobStatus:
    job: ScheduledJob
    last_run: JobRun | None
    next_run: datetime.datetime
    overdue: bool

    @property
    def failed(self) -> bool:
        return (
            self.last_run is not None and self.last_run.status == JobRun.Status.FAILED
        )

    @property
    def needs_attention(self) -> bool:
        return self.failed or self.overdue


def scheduled_jobs_status(*, now: datetime.datetime) -> list[JobStatus]:
    """Each job's last run, next run, and whether it is overdue (not run when due)."""
    zone = school_zone()
    statuses = []
    for job in SCHEDULED_JOBS:
        last_run = JobRun.objects.filter(job=job.name).order_by("-slot").first()
        due = job.schedule.latest_slot(now, zone)
        done = JobRun.objects.succeeded().filter(job=job.name, slot__gte=due).exists()
        statuses.append(
            JobStatus(
                job=job,
                last_run=last_run,
                next_run=job.schedule.next_slot(now, zone),
                overdue=not done and now > due + job.schedule.grace,
            )
        )
    return statuses


def jobs_needing_attention(*, now: datetime.datetime) -> list[JobStatus]:
    return [
        status for status in scheduled_jobs_status(now=now) if status.needs_attention
    ]
