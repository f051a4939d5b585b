"""The cron table, read by `manage.py rqcron config.cron` (the Procfile's cron process).

Each entry enqueues a thin job; the job calls a service. Times are in the server's zone.
"""

from rq import cron

from publishing import jobs

cron.register(
    jobs.publish_scheduled_pages, "default", interval=60, name="go-live-and-expiry"
)
