"""Consent that ends at midnight ends at midnight, everywhere (C1; issue 20, class 4).

A consent's expiry date is the last day it holds, and a learner's leaving date the
first day they are gone: consent ends at the school's local midnight that starts the
next day (``expires_on`` + 1) or the leaving day. Rendering already hides the photo
from that midnight (``consent_cleared_until``; cached pages turn over at midnight),
but its public copies, files with public addresses, and its social posts went only
when the daily check ran at 00:05.

Now the withdrawal runs at the moment itself:

- the next moment any consent ends is an rq job scheduled for exactly then
  (``Queue.enqueue_at``; the worker's scheduler, ``--with-scheduler``, looks every
  second). Its id is the moment, so scheduling it again changes nothing;
- it is scheduled when a consent record with an expiry date or a learner's leaving
  date is saved (and after a register import), and each run schedules the next;
- every minute the ``consent-lapse-catch-up`` job applies whatever is due that the
  scheduled job missed (Redis emptied, no worker at midnight) and schedules the next
  moment: a minute late at worst, not five.

Why not one job per learner: a consent changed or renewed before its end would leave
a stale job behind to find and cancel; one job per moment that applies what is due
then (``consent_expiry_sweep``, idempotent) needs no cancelling.
"""

from __future__ import annotations

import datetime
import logging

import django_rq
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from redis.exceptions import RedisError

from moderation.models import ConsentRecord, Learner

from .selectors import pictured_learner_ids
from .services import consent_expiry_sweep

logger = logging.getLogger(__name__)

QUEUE = "default"
JOB_FUNCTION = "moderation.jobs.consent_lapse_run"


def _midnight_starting(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def next_consent_lapse(*, now: datetime.datetime) -> datetime.datetime | None:
    """The next moment after ``now`` at which someone's consent ends, or None."""
    today = timezone.localdate(now)
    last_day = ConsentRecord.objects.filter(
        given=True, lapse_handled_at__isnull=True, expires_on__gte=today
    ).aggregate(day=Min("expires_on"))["day"]
    leaving = Learner.objects.filter(left_on__gt=today).aggregate(day=Min("left_on"))[
        "day"
    ]
    moments = []
    if last_day is not None:
        moments.append(_midnight_starting(last_day + datetime.timedelta(days=1)))
    if leaving is not None:
        moments.append(_midnight_starting(leaving))
    return min(moments, default=None)


def consent_lapse_job_id(moment: datetime.datetime) -> str:
    """One job per moment: scheduling the same moment twice keeps one job."""
    return f"consent-lapse-{int(moment.timestamp())}"


def consent_lapse_schedule(*, now: datetime.datetime | None = None) -> None:
    """Schedule the withdrawal job for the next moment consent ends, if any.

    Redis being unreachable is logged, not raised: the per-minute catch-up
    schedules it (and applies what is due) once Redis is back.
    """
    moment = next_consent_lapse(now=now or timezone.now())
    if moment is None:
        return
    try:
        django_rq.get_queue(QUEUE).enqueue_at(
            moment, JOB_FUNCTION, job_id=consent_lapse_job_id(moment)
        )
    except RedisError:
        logger.warning(
            "Could not reach Redis to schedule the consent ending at %s; the "
            "per-minute check will",
            moment.isoformat(),
            extra={"event": "consent.lapse_schedule_failed"},
        )


def consent_lapse_schedule_on_commit() -> None:
    """After a consent record or leaving date is saved: (re)schedule the next moment."""
    transaction.on_commit(consent_lapse_schedule)


def consent_lapses_apply(*, now: datetime.datetime | None = None) -> int:
    """Withdraw what consent ended for by ``now``, then schedule the next moment.

    Cheap when nothing is due (two small queries), so it can run every minute.

    Returns:
        How many withdrawal cascades ran.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = ConsentRecord.objects.filter(
        given=True, expires_on__lt=today, lapse_handled_at__isnull=True
    ).exists()
    left = Learner.objects.filter(left_on__lte=today).values_list("pk", flat=True)
    cascades = 0
    if expired or (set(left) & pictured_learner_ids()):
        cascades = consent_expiry_sweep(on=today)
    consent_lapse_schedule(now=now)
    return cascades
