"""The worker's side of the push ledger: each due push sent, retried, never doubled.

Rows are claimed (``queued`` -> ``sending``) by a conditional UPDATE, then checked
again at that moment: the device is still subscribed to the alert's category, and
the alert passes the same page and consent checks as email (``ledger.py``). The
message (title, summary, link; never a photograph; a bilingual school's in both
languages, in the school's order) is encrypted for the device
(aes128gcm, RFC 8291) and signed with the school's VAPID key by ``pywebpush``.

What the push service answers decides the row:

- 201 (or 200/202): ``sent``;
- 404 or 410: the device unsubscribed or the browser dropped it; the device is
  deleted and the row is ``failed``;
- 429, 5xx, no connection, or no answer in ``ALERTS_PUSH_TIMEOUT_SECONDS``: back to
  ``queued`` with back-off (a 429's Retry-After if longer), and the rest of this
  batch for the same push service waits with it. A message that may already have
  been accepted is sent again with the same ``Topic`` header (the push service
  replaces a copy it still holds) and the same notification tag (the phone replaces
  one it shows): the family is not told twice;
- any other answer (400, 403, 413...): ``failed``, with the reason for the office.

Rows are retried for ``ALERTS_RETRY_WINDOW_HOURS``, then ``failed``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPusher

from .ledger import AlertChecks, retry_delay
from .messages import school_name
from .models import Alert, AlertPush, Category, PushDevice
from .push_keys import push_enabled
from .queueing import send_job_enqueue

logger = logging.getLogger(__name__)

Status = AlertPush.Status
CLAIM_CHUNK = 50
#: The summaries are cut so the encrypted message stays under the 4 KB push services
#: take (a bilingual school's two share it).
MAX_SUMMARY_CHARACTERS = 1000
VAPID_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class PushReport:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    retrying: int = 0
    more_due: bool = False


def push_payload(alert: Alert) -> bytes:
    """What the service worker shows: title, summary, link, and the tag for repeats.

    A bilingual school's notification carries both languages in the school's order,
    as its email does: the title already joins them ("Eira... / Snow..."), the body
    gives each language's summary in turn, and a tap opens the page in the first.
    """
    versions = alert.in_languages
    share = MAX_SUMMARY_CHARACTERS // len(versions)
    body = "\n\n".join(
        _shortened(version["summary"], share)
        for version in versions
        if version["summary"]
    )
    return json.dumps(
        {
            "title": f"{school_name(alert.site)}: {alert.title}",
            "body": body,
            "url": versions[0]["url"],
            "tag": f"alert-{alert.pk}",
        },
        ensure_ascii=False,
    ).encode()


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def push_topic(alert: Alert) -> str:
    """RFC 8030 Topic: at most 32 URL-safe characters, the same for every repeat."""
    return f"school-alert-{alert.pk}"[:32]


class _Signer:
    """VAPID Authorization headers, one per push service for the whole batch."""

    def __init__(self):
        self._vapid = Vapid.from_string(settings.ALERTS_PUSH_VAPID_PRIVATE_KEY)
        self._headers: dict[str, dict[str, str]] = {}

    def headers(self, origin: str) -> dict[str, str]:
        if origin not in self._headers:
            expires = timezone.now() + VAPID_LIFETIME
            self._headers[origin] = self._vapid.sign(
                {
                    "aud": origin,
                    "exp": int(expires.timestamp()),
                    "sub": settings.ALERTS_PUSH_CONTACT,
                }
            )
        return dict(self._headers[origin])


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _claim(row_ids: list[int]) -> list[AlertPush]:
    claim = uuid.uuid4().hex
    AlertPush.objects.filter(pk__in=row_ids, status=Status.QUEUED).update(
        status=Status.SENDING, claim=claim, claimed_at=timezone.now()
    )
    return list(
        AlertPush.objects.filter(claim=claim, status=Status.SENDING)
        .select_related("alert__site", "device")
        .order_by("pk")
    )


def _finish(row: AlertPush, status: str, **fields) -> None:
    AlertPush.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=status, **fields
    )


def _retry(row: AlertPush, reason: str, now: datetime, wait: timedelta) -> datetime:
    attempts = row.attempts + 1
    window = timedelta(hours=settings.ALERTS_RETRY_WINDOW_HOURS)
    if row.alert.created_at + window < now:
        _finish(row, Status.FAILED, attempts=attempts, reason=reason)
        return now
    at = now + max(wait, retry_delay(attempts))
    _finish(
        row,
        Status.QUEUED,
        attempts=attempts,
        next_attempt_at=at,
        reason=reason,
        claim="",
    )
    return at


def _retry_after(response: requests.Response) -> timedelta:
    try:
        return timedelta(seconds=max(0, int(response.headers.get("Retry-After", 0))))
    except ValueError:  # an HTTP date or nonsense: the back-off decides
        return timedelta(0)


class _Sender:
    def __init__(self, now: datetime):
        self.now = now
        self.checks = AlertChecks(channel_name="push notifications")
        self.signer = _Signer()
        self.session = requests.Session()
        self.counts: dict[str, int] = defaultdict(int)
        #: Push services that said "busy" (or did not answer) in this batch, and
        #: when to try them again.
        self.paused: dict[str, datetime] = {}

    def send(self, row: AlertPush) -> None:
        device: PushDevice | None = row.device
        if device is None or not device.wants(row.alert.category):
            _finish(row, Status.CANCELLED, reason="The device no longer gets these.")
            self.counts["cancelled"] += 1
            return
        reason = self.checks.stop_reason(row.alert)
        if reason:
            _finish(row, Status.CANCELLED, reason=reason)
            self.counts["cancelled"] += 1
            return
        origin = _origin(device.endpoint)
        if origin in self.paused:
            _finish(row, Status.QUEUED, next_attempt_at=self.paused[origin], claim="")
            self.counts["retry"] += 1
            return
        headers = self.signer.headers(origin)
        headers["Topic"] = push_topic(row.alert)
        urgent = row.alert.category == Category.URGENT
        headers["Urgency"] = "high" if urgent else "normal"
        try:
            response = WebPusher(
                {
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                requests_session=self.session,
            ).send(
                push_payload(row.alert),
                headers,
                ttl=settings.ALERTS_PUSH_TTL_SECONDS,
                timeout=settings.ALERTS_PUSH_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            self._busy(row, origin, f"{type(error).__name__}: {error}", timedelta(0))
            return
        self._answer(row, device, origin, response)

    def _answer(self, row, device, origin, response: requests.Response) -> None:
        status = response.status_code
        if status in (200, 201, 202):
            _finish(row, Status.SENT, sent_at=timezone.now(), reason="")
            self.counts["sent"] += 1
        elif status in (404, 410):
            _finish(
                row,
                Status.FAILED,
                reason=f"The push service says the device is gone ({status}); "
                "it was removed.",
            )
            device.delete()
            self.counts["failed"] += 1
        elif status == 429 or status >= 500:
            reason = f"The push service answered {status}."
            self._busy(row, origin, reason, _retry_after(response))
        else:
            _finish(
                row,
                Status.FAILED,
                reason=f"The push service refused it ({status}): {response.text[:500]}",
            )
            self.counts["failed"] += 1
        if status not in (200, 201, 202):
            logger.warning(
                "Push to device %s answered %s",
                device.pk,
                status,
                extra={"event": "alerts.push_refused", "device": device.pk},
            )

    def _busy(self, row, origin: str, reason: str, wait: timedelta) -> None:
        logger.warning(
            "Push service %s busy or not answering: %s",
            origin,
            reason,
            extra={"event": "alerts.push_retry", "push_service": origin},
        )
        self.paused[origin] = _retry(row, reason, self.now, wait)
        self.counts["retry"] += 1


def alert_pushes_send_due(*, site_id: int, now: datetime) -> PushReport:
    """Send one batch of a school's due pushes; wake again if more are due."""
    due = AlertPush.objects.filter(
        status=Status.QUEUED, next_attempt_at__lte=now, alert__site_id=site_id
    )
    if not push_enabled():
        due.update(status=Status.FAILED, reason="Web push is not set up (no keys).")
        return PushReport()
    row_ids = list(
        due.order_by("alert__created_at", "pk").values_list("pk", flat=True)[
            : settings.ALERTS_PUSH_BATCH_SIZE
        ]
    )
    sender = _Sender(now)
    try:
        for start in range(0, len(row_ids), CLAIM_CHUNK):
            for row in _claim(row_ids[start : start + CLAIM_CHUNK]):
                sender.send(row)
    finally:
        sender.session.close()
    more = due.exists()
    if more:
        send_job_enqueue(site_id=site_id)
    counts = sender.counts
    return PushReport(
        sent=counts["sent"],
        failed=counts["failed"],
        cancelled=counts["cancelled"],
        retrying=counts["retry"],
        more_due=more,
    )


def alert_pushes_sweep(*, now: datetime) -> int:
    """Rows a stopped worker left ``sending`` go back to the queue (no doubling:
    the repeat carries the same Topic and tag).

    Returns:
        How many were put back.
    """
    stale = now - timedelta(seconds=settings.ALERTS_SENDING_TIMEOUT_SECONDS)
    return AlertPush.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.QUEUED,
        next_attempt_at=now,
        claim="",
        reason="The sender stopped while sending this; sent again.",
    )
