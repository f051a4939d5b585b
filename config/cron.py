"""The cron table, read by `manage.py rqcron config.cron` (the Procfile's cron process).

Every scheduled job (``publishing.scheduled_jobs.registry``) is woken each minute; it
runs only when a slot of its own schedule is due and not yet done, records the run,
and catches up a slot missed while the cron process or the worker was down. The
"Scheduled jobs" admin report shows each one.
"""

from rq import cron

from publishing import jobs
from publishing.scheduled_jobs.registry import SCHEDULED_JOBS

for scheduled_job in SCHEDULED_JOBS:
    cron.register(
        jobs.run_scheduled_job,
        scheduled_job.queue,
        kwargs={"name": scheduled_job.name},
        interval=60,
        name=scheduled_job.name,
    )
