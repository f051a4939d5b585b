"""The worker's side of the ledger: send each due email once, retry what was refused.

For each family with emails due, the rows are claimed (``queued`` -> ``sending``) by
a conditional UPDATE, then checked again at that moment (ARCHITECTURE step 4, as for
every channel):

- the family still wants them (confirmed, not unsubscribed, not suppressed);
- the alert's page is still live and public (not withdrawn, expired or taken down);
- the consent rule-set still lets the page and the words of the alert out: the same
  name check and consent check as the website and the social posts. Alerts carry no
  photographs of pupils, so no picture consent beyond the website's is needed.

Then the email goes to the mail backend (SMTP or the school's provider through
anymail). What the server answers decides the row:

- accepted: ``sent``, with the provider's message id;
- refused for good (unknown mailbox, an SMTP 5xx, the provider rejects it): ``failed``;
- busy or down (429, 5xx from an API, connection refused or dropped): back to
  ``queued`` with back-off; the batch stops and the sweep wakes it later;
- no answer after the request went out (read time-out): ``unknown``, never sent again.

Rows are retried for ``ALERTS_RETRY_WINDOW_HOURS``, then ``failed``.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Count
from django.utils import timezone

from . import messages
from .ledger import AlertChecks, retry_delay
from .models import AlertEmail, Frequency
from .queueing import send_job_enqueue

logger = logging.getLogger(__name__)

Status = AlertEmail.Status

RETRY, REFUSED, UNKNOWN = "retry", "refused", "unknown"


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    retrying: int = 0
    unknown: int = 0
    more_due: bool = False


def error_kind(error: Exception) -> str:
    """Whether a send error means "try again", "refused for good" or "unknown"."""
    if isinstance(error, requests.ReadTimeout):
        return UNKNOWN  # the request reached the provider; its answer did not come
    if isinstance(error, AnymailRecipientsRefused):
        return REFUSED
    if isinstance(error, AnymailError):
        status = getattr(error, "status_code", None)
        if status is None:
            # No HTTP answer (connection refused, DNS) or a 2xx the backend could
            # not read: the latter may have been sent.
            return RETRY if isinstance(error, requests.ConnectionError) else UNKNOWN
        if status in (400, 422):
            return REFUSED
        return RETRY  # 401/403 (settings), 408, 429, 5xx: nothing was sent
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return REFUSED if codes and all(code >= 500 for code in codes) else RETRY
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPSenderRefused
    ):
        return REFUSED if error.smtp_code >= 500 else RETRY
    return RETRY  # connection refused or dropped, time-outs before sending, others


def _claim(row_ids: list[int]) -> list[AlertEmail]:
    # The clock now, not the batch's start: a long, rate-limited batch must not
    # look to the sweep like a send a dead worker left.
    claim = uuid.uuid4().hex
    AlertEmail.objects.filter(pk__in=row_ids, status=Status.QUEUED).update(
        status=Status.SENDING, claim=claim, claimed_at=timezone.now()
    )
    return list(
        AlertEmail.objects.filter(claim=claim, status=Status.SENDING)
        .select_related("alert__site", "subscriber")
        .order_by("alert__created_at", "pk")
    )


def _finish(rows: list[AlertEmail], status: str, **fields) -> None:
    AlertEmail.objects.filter(
        pk__in=[row.pk for row in rows], status=Status.SENDING
    ).update(status=status, **fields)


def _send_one_email(connection, rows, checks, now) -> tuple[str, int]:
    """Check, build and send the email for ``rows`` (one family, one frequency).

    Returns:
        (what happened, how many rows it concerned).
    """
    subscriber = rows[0].subscriber
    if not subscriber.is_receiving:
        _finish(rows, Status.CANCELLED, reason="The family no longer gets updates.")
        return "cancelled", len(rows)
    going = []
    for row in rows:
        reason = checks.stop_reason(row.alert)
        if reason:
            _finish([row], Status.CANCELLED, reason=reason)
        else:
            going.append(row)
    if not going:
        return "cancelled", len(rows)
    frequency = going[0].frequency
    if frequency == Frequency.IMMEDIATE:
        message = messages.alert_email(subscriber=subscriber, alert=going[0].alert)
    else:
        message = messages.digest_email(
            subscriber=subscriber,
            alerts=[row.alert for row in going],
            frequency=frequency,
        )
    try:
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the rows
        return _record_failure(going, error, now), len(going)
    status = getattr(message, "anymail_status", None)
    _finish(
        going,
        Status.SENT,
        sent_at=timezone.now(),
        message_id=(getattr(status, "message_id", None) or "")[:255],
        reason="",
    )
    return "sent", len(going)


def _record_failure(rows: list[AlertEmail], error: Exception, now: datetime) -> str:
    kind = error_kind(error)
    reason = f"{type(error).__name__}: {error}"[:2000]
    logger.warning(
        "Alert email to subscriber %s not sent (%s): %s",
        rows[0].subscriber_id,
        kind,
        reason,
        extra={"event": "alerts.send_failed", "subscriber": rows[0].subscriber_id},
    )
    if kind == REFUSED:
        _finish(rows, Status.FAILED, reason=reason)
        return "failed"
    if kind == UNKNOWN:
        _finish(rows, Status.UNKNOWN, reason=reason)
        return "unknown"
    window = timedelta(hours=settings.ALERTS_RETRY_WINDOW_HOURS)
    for row in rows:
        attempts = row.attempts + 1
        if row.due_at + window < now:
            _finish([row], Status.FAILED, attempts=attempts, reason=reason)
        else:
            _finish(
                [row],
                Status.QUEUED,
                attempts=attempts,
                next_attempt_at=now + retry_delay(attempts),
                reason=reason,
                claim="",
            )
    return "retry"


def _due_groups(site_id: int, now: datetime, limit: int) -> list[list[int]]:
    """Up to ``limit`` emails' worth of due row ids: one per immediate row, one per
    family and summary (all its due rows, so a summary is never split)."""
    due = AlertEmail.objects.due(now=now).filter(alert__site_id=site_id)
    pairs = list(
        due.values_list("subscriber_id", "frequency")
        .annotate(rows=Count("pk"))
        .order_by("subscriber_id", "frequency")[:limit]
    )
    wanted: dict[tuple[int, str], list[int]] = defaultdict(list)
    subscriber_ids = {subscriber_id for subscriber_id, _f, _n in pairs}
    for pk, subscriber_id, frequency in due.filter(
        subscriber_id__in=subscriber_ids
    ).values_list("pk", "subscriber_id", "frequency"):
        wanted[(subscriber_id, frequency)].append(pk)
    groups: list[list[int]] = []
    for subscriber_id, frequency, _rows in pairs:
        ids = sorted(wanted[(subscriber_id, frequency)])
        if frequency == Frequency.IMMEDIATE:
            groups.extend([pk] for pk in ids)
        else:
            groups.append(ids)
    return groups


def alert_emails_send_due(*, site_id: int, now: datetime) -> SendReport:
    """Send one batch of a school's due emails; wake again if more are due.

    Stops at the first "busy or down" answer: the rest stay due, and the sweep (or
    the back-off) brings the sender back. A worker restarted mid-batch loses
    nothing: unsent rows are still ``queued``.
    """
    counts: dict[str, int] = defaultdict(int)
    checks = AlertChecks(channel_name="email alerts")
    groups = _due_groups(site_id, now, settings.ALERTS_EMAIL_BATCH_SIZE)
    pause = (
        1 / settings.ALERTS_EMAILS_PER_SECOND
        if settings.ALERTS_EMAILS_PER_SECOND
        else 0
    )
    connection = get_connection(settings.ALERTS_EMAIL_BACKEND)
    stopped = False
    try:
        for row_ids in groups:
            rows = _claim(row_ids)
            if not rows:
                continue  # another sender took them
            outcome, count = _send_one_email(connection, rows, checks, now)
            counts[outcome] += count
            if outcome == "retry":
                stopped = True
                break
            if pause:
                time.sleep(pause)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection can fail; nothing to keep
            logger.debug("Closing the mail connection failed", exc_info=True)
    more = (
        not stopped
        and AlertEmail.objects.due(now=now).filter(alert__site_id=site_id).exists()
    )
    if more:
        send_job_enqueue(site_id=site_id)
    return SendReport(
        sent=counts["sent"],
        failed=counts["failed"],
        cancelled=counts["cancelled"],
        retrying=counts["retry"],
        unknown=counts["unknown"],
        more_due=more,
    )


def alert_emails_sweep(*, now: datetime) -> str:
    """Every minute: mark rows a dead worker left, and wake the sender where due.

    A row still ``sending`` after ``ALERTS_SENDING_TIMEOUT_SECONDS`` was being sent
    by a worker that stopped: it may or may not have gone, so it is ``unknown`` and
    shown to the office, never sent twice.
    """
    stale = now - timedelta(seconds=settings.ALERTS_SENDING_TIMEOUT_SECONDS)
    unknown = AlertEmail.objects.filter(
        status=Status.SENDING, claimed_at__lt=stale
    ).update(
        status=Status.UNKNOWN,
        reason="The sender stopped while sending this; it may or may not have gone, "
        "so it is not sent again.",
    )
    site_ids = set(
        AlertEmail.objects.due(now=now).values_list("alert__site_id", flat=True)
    )
    woken = sum(1 for site_id in site_ids if send_job_enqueue(site_id=site_id))
    return f"{woken} school(s) with alert emails due woken, {unknown} left unknown."
