"""What the email provider reports later (anymail's tracking webhooks).

A hard bounce (``bounced``), a complaint (``complained``), the provider refusing to
send to an address it knows is bad (``rejected``) or the recipient unsubscribing at
the provider suppresses the address: it gets nothing more from the next send on. A
soft bounce does not: anymail reports most as ``deferred``, but Postmark's
``SoftBounce`` and Mailgun's temporary failures arrive as ``bounced`` and are told
apart by the provider's own record. ``delivered`` and the others are kept on the ledger
row of that message, so the office can answer "did the Smiths get it?".
"""

from __future__ import annotations

from datetime import datetime

from .models import AlertEmail
from .subscriptions import address_suppress

SUPPRESSING = {
    "bounced": "The address bounced (hard bounce).",
    "complained": "The recipient marked an email as spam.",
    "rejected": "The email provider will not send to this address.",
    "unsubscribed": "The recipient unsubscribed at the email provider.",
}
#: How providers mark a bounce that is only for now, in their own event records.
SOFT_BOUNCE_MARKS = (("Type", "SoftBounce"), ("severity", "temporary"))


def is_soft_bounce(event) -> bool:
    record = event.esp_event if isinstance(event.esp_event, dict) else {}
    return any(record.get(key) == value for key, value in SOFT_BOUNCE_MARKS)


RECORDED = {
    "queued",
    "sent",
    "delivered",
    "deferred",
    "bounced",
    "complained",
    "rejected",
}


def tracking_event_record(*, event, now: datetime) -> None:
    """Record one normalised anymail tracking event."""
    if event.message_id and event.event_type in RECORDED:
        AlertEmail.objects.filter(message_id=event.message_id).update(
            delivery_event=event.event_type
        )
    reason = SUPPRESSING.get(event.event_type)
    if event.event_type == "bounced" and is_soft_bounce(event):
        reason = None
    if reason and event.recipient:
        address_suppress(email=event.recipient, reason=reason, now=now)
