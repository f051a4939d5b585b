"""Reads for the "Scheduled jobs" report and the dashboard warning.

A job that ran and failed is not a job that did not run: the first has a reason
(the holiday-notice template is empty), the second means the cron process or the
server is down. Each status says which, so nobody restarts a server to fix a template.

The jobs run for every school at once, so what a run did and why it failed is the
installation's: its administrators (superusers) see it all. Each school's staff see
whether the jobs run on time and, when a run failed for their school, their school's
reason (``JobRun.school_problems``); never the counts, names or reasons of the others.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from wagtail.models import Site

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
    school: Site | None  # whose staff look; None with ``everything``: no school's
    everything: bool  # the installation's administrators: every school's outcome

    @property
    def failed(self) -> bool:
        """The latest run ran and failed for the one looking: ``outcome`` says why.

        A run that failed only for other schools did its work for this one.
        """
        if self.last_run is None or self.last_run.status != JobRun.Status.FAILED:
            return False
        problems = self.last_run.school_problems
        return self.everything or not problems or self._school_key in problems

    @property
    def _school_key(self) -> str:
        return str(self.school.pk) if self.school is not None else ""

    @property
    def outcome(self) -> str:
        """What the latest run did or why it failed, as far as the viewer may know."""
        if self.last_run is None:
            return ""
        if self.everything:
            return self.last_run.outcome
        problems = self.last_run.school_problems
        if self._school_key in problems:
            return problems[self._school_key]
        if self.failed:
            return _("the installation's administrators can see why.")
        return ""

    @property
    def tried_again(self) -> bool:
        """A failed slot is tried again at the next wake-ups until attempts run out."""
        return self.failed and self.last_run.attempts < MAX_ATTEMPTS

    @property
    def needs_attention(self) -> bool:
        return self.failed or self.not_run or self.stuck


def scheduled_jobs_status(
    *, now: datetime.datetime, school: Site | None, everything: bool = False
) -> list[JobStatus]:
    """Each job's last run and next run, and whether it failed, is stuck or did not
    run when due (past the schedule's grace with no run for its slot).

    Args:
        school: the school whose staff look (see the module docstring).
        everything: the installation's administrators look: every school's outcome.
    """
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
                school=school,
                everything=everything,
            )
        )
    return statuses


def jobs_needing_attention(
    *, now: datetime.datetime, school: Site | None, everything: bool = False
) -> list[JobStatus]:
    statuses = scheduled_jobs_status(now=now, school=school, everything=everything)
    return [status for status in statuses if status.needs_attention]
