"""The cron table, read by `manage.py rqcron config.cron` (the Procfile's cron process).

Each entry enqueues a thin job; the job calls a service. Times are in the server's zone.
"""

from rq import cron

from cms import jobs as cms_jobs
from moderation import jobs as moderation_jobs
from publishing import jobs

cron.register(
    jobs.publish_scheduled_pages, "default", interval=60, name="go-live-and-expiry"
)
cron.register(
    jobs.sweep_deliveries, "publishing", interval=60, name="sweep-social-deliveries"
)
cron.register(
    jobs.remind_access_reviews,
    "default",
    cron="0 7 * * *",
    name="social-account-access-reviews",
)

# Consent expiry and leaving dates (C1): daily, five past midnight.
cron.register(
    moderation_jobs.consent_expiry_check,
    "default",
    cron="5 0 * * *",
    name="consent-expiry-check",
)

# Public copies of media no live, public page or consent allows any more (issue 9).
cron.register(
    cms_jobs.public_media_check, "default", interval=600, name="public-media-check"
)

# Emails the mail server refused are sent again (cms.mail): every five minutes.
cron.register(
    cms_jobs.retry_failed_emails, "default", interval=300, name="retry-failed-emails"
)
