"""The scheduled jobs, what each is for, and when it runs.

Each ``run`` takes ``now`` and returns a sentence saying what it did, stored on the
``JobRun``. Every one is idempotent: it acts on what is due up to ``now`` and on
nothing twice, so a catch-up run after downtime does the missed work once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import import_string

from cms.content_review import content_review_remind
from cms.mail import failed_emails_retry
from cms.media_removals import removals_retry_due
from cms.preparation.services import preparations_sweep
from cms.public_media import public_media_reconcile
from cms.statutory.reminders import statutory_check
from moderation.consent.lapses import consent_lapses_apply
from moderation.jobs import (
    block_review_reminders,
    consent_expiry_check,
    incident_retention_check,
)
from moderation.workflow.scheduled_go_live import pages_publish_scheduled
from publishing.inbox.alerts import digests_send, overdue_remind
from publishing.inbox.services import inboxes_read
from publishing.services.accounts import account_reviews_remind
from publishing.services.deliveries import deliveries_sweep
from publishing.services.holiday_notices import holiday_notices_draft
from publishing.services.pins import pins_sync

from .schedules import DailyAt, EveryMinutes, Schedule


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    label: str
    purpose: str
    schedule: Schedule
    run: Callable[[datetime.datetime], str]
    queue: str = "default"


def _go_live_and_expiry(now: datetime.datetime) -> str:
    return pages_publish_scheduled(now=now)


def _sweep(now: datetime.datetime) -> str:
    report = deliveries_sweep(now=now)
    return (
        f"{report.enqueued} woken, {report.reconciling} being checked on the network, "
        f"{report.retractions_resumed} deletions resumed."
    )


def _public_media(now: datetime.datetime) -> str:
    return f"{public_media_reconcile(now=now)} public cop(ies) removed."


def _preparations(now: datetime.datetime) -> str:
    return f"{preparations_sweep(now=now)} photo(s) or document(s) woken again."


def _media_removals(now: datetime.datetime) -> str:
    return removals_retry_due(now=now)


def _retry_emails(now: datetime.datetime) -> str:
    return f"{failed_emails_retry(now=now)} email(s) sent again."


def _holiday_notices(now: datetime.datetime) -> str:
    return holiday_notices_draft(now=now)


def _pins(now: datetime.datetime) -> str:
    return pins_sync(now=now)


def _consent(now: datetime.datetime) -> str:
    return f"{consent_expiry_check()} withdrawal(s) applied."


def _consent_lapses(now: datetime.datetime) -> str:
    return f"{consent_lapses_apply(now=now)} withdrawal(s) applied."


def _content_review(now: datetime.datetime) -> str:
    return content_review_remind(today=timezone.localdate(now))


def _statutory(now: datetime.datetime) -> str:
    return statutory_check(today=timezone.localdate(now))


def _access_reviews(now: datetime.datetime) -> str:
    reminded = account_reviews_remind(today=timezone.localdate(now))
    return f"{len(reminded)} account review reminder(s) sent."


def _incident_retention(now: datetime.datetime) -> str:
    deleted = incident_retention_check(now=now)
    return f"{deleted} closed incident(s) deleted at the end of their retention period."


def _parent_alerts(now: datetime.datetime) -> str:
    # By dotted path: publishing does not import alerts (alerts is beside it).
    return import_string("alerts.sweep.alerts_sweep")(now=now)


def _mentions(now: datetime.datetime) -> str:
    # By dotted path: publishing does not import mentions (mentions reads publishing).
    return import_string("mentions.services.mentions_read")(now=now)


def _block_reviews(now: datetime.datetime) -> str:
    reminded = block_review_reminders(on=timezone.localdate(now))
    return f"{reminded} blocked account review reminder(s) sent."


def _inbox_read(now: datetime.datetime) -> str:
    return inboxes_read(now=now)


def _inbox_alerts(now: datetime.datetime) -> str:
    overdue = overdue_remind(now=now)
    digests = digests_send(now=now)
    return f"{overdue} overdue comment(s) emailed, {digests} digest(s) sent."


SCHEDULED_JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        "read-social-inbox",
        "Read comments",
        "Reads new comments on the school's posts into the social inbox and applies "
        "the rules (accounts on a webhook are read once an hour as a fallback).",
        EveryMinutes(5),
        _inbox_read,
        queue="publishing",
    ),
    ScheduledJob(
        "social-inbox-alerts",
        "Inbox emails",
        "Emails the managers once about each comment past its reply time, and sends "
        "the daily and weekly digests of comments the rules caught.",
        EveryMinutes(15),
        _inbox_alerts,
    ),
    ScheduledJob(
        "read-mentions",
        "Read mentions",
        "Reads the school's alert feeds and searches Bluesky for its name, then "
        "emails new mentions to those who chose it (at once, daily or weekly).",
        EveryMinutes(15),
        _mentions,
    ),
    ScheduledJob(
        "go-live-and-expiry",
        "Go live and expire pages",
        "Publishes pages at their go-live time (a page in Welsh and English with "
        "its other language, at the same moment, or neither) and takes expired "
        "pages off the website (their social posts are deleted too).",
        EveryMinutes(1),
        _go_live_and_expiry,
    ),
    ScheduledJob(
        "pin-and-unpin",
        "Pin and unpin notices",
        "Pins holiday notices and closures on the social accounts while they are in "
        "force, and unpins them when they end.",
        EveryMinutes(1),
        _pins,
        queue="publishing",
    ),
    ScheduledJob(
        "sweep-social-deliveries",
        "Check social posts in flight",
        "Sends posts whose wake-up was lost and flags posts a stopped worker left.",
        EveryMinutes(1),
        _sweep,
        queue="publishing",
    ),
    ScheduledJob(
        "send-parent-alerts",
        "Send email updates and notifications to families",
        "Sends the email updates, daily and weekly summaries and phone "
        "notifications that are due, when their wake-up was lost (Redis down) or a "
        "retry is due.",
        EveryMinutes(1),
        _parent_alerts,
        queue="alerts",
    ),
    ScheduledJob(
        "public-media-check",
        "Check public copies of pictures",
        "Removes public copies of pictures and documents that no live page or "
        "consent allows any more.",
        EveryMinutes(10),
        _public_media,
    ),
    ScheduledJob(
        "finish-page-preparations",
        "Finish preparing approved pages",
        "Wakes again the photos and documents of approved pages whose preparation "
        "was interrupted (Redis down, a worker stopped), so every approved page "
        "goes live.",
        EveryMinutes(1),
        _preparations,
    ),
    ScheduledJob(
        "retry-media-removals",
        "Finish removing withdrawn pictures",
        "Tries again to delete public copies the storage could not delete and to "
        "clear the CDN where it refused, when a retry is due.",
        EveryMinutes(1),
        _media_removals,
    ),
    ScheduledJob(
        "retry-failed-emails",
        "Send refused emails again",
        "Sends again the emails the mail server refused.",
        EveryMinutes(5),
        _retry_emails,
    ),
    ScheduledJob(
        "draft-holiday-notices",
        "Draft holiday notices",
        "Drafts the notice for each holiday from the school's template, the set number "
        "of days before, and sends it for approval.",
        DailyAt(datetime.time(6, 30)),
        _holiday_notices,
    ),
    ScheduledJob(
        "consent-lapse-catch-up",
        "Consent ending",
        "Takes down pictures the moment consent for them ends (an expiry or leaving "
        "date reached at midnight) if the withdrawal set for that moment did not "
        "run, and sets the next one.",
        EveryMinutes(1),
        _consent_lapses,
    ),
    ScheduledJob(
        "consent-expiry-check",
        "Consent check",
        "Takes down pictures whose consent has expired or whose learner has left.",
        DailyAt(datetime.time(0, 5)),
        _consent,
    ),
    ScheduledJob(
        "social-account-access-reviews",
        "Termly account access reviews",
        "Reminds senior leadership when an account's termly review of who manages "
        "it is due.",
        DailyAt(datetime.time(7, 0)),
        _access_reviews,
    ),
    ScheduledJob(
        "weekly-content-review",
        "Weekly content review",
        "Emails page owners the pages past their review date or not updated for a "
        "long time.",
        DailyAt(datetime.time(7, 15), weekday=0),
        _content_review,
    ),
    ScheduledJob(
        "statutory-information-check",
        "Statutory information check",
        "Checks that every item of the information the school must publish links to "
        "a published page or document, and reminds owners of broken links and of "
        "deadlines coming.",
        DailyAt(datetime.time(1, 30)),
        _statutory,
    ),
    ScheduledJob(
        "incident-retention",
        "Incident retention",
        "Deletes closed incidents and their evidence when their retention period "
        "ends, unless on legal hold, and keeps a record that they were.",
        DailyAt(datetime.time(0, 20)),
        _incident_retention,
    ),
    ScheduledJob(
        "blocked-account-reviews",
        "Blocked account reviews",
        "Reminds senior leadership and whoever decided when a blocked account's "
        "review date comes.",
        DailyAt(datetime.time(7, 5)),
        _block_reviews,
    ),
)
JOBS_BY_NAME = {job.name: job for job in SCHEDULED_JOBS}
