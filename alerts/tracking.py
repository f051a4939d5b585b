"""What the email provider reports later (anymail's tracking webhooks).

A hard bounce (``bounced``), a complaint (``complained``) or the provider refusing to
send to an address it knows is bad (``rejected``) suppresses the address: it gets
nothing more from the next send on. A soft bounce (``deferred``) does not: the
provider keeps trying by itself. ``delivered`` and the others are kept on the ledger
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
}
RECORDED = {"queued", "sent", "delivered", "deferred", "bounced", "complained", "rejected"}


def tracking_event_record(*, event, now: datetime) -> None:
    """Record one normalised anymail tracking event."""
    if event.message_id and event.event_type in RECORDED:
        AlertEmail.objects.filter(message_id=event.message_id).update(
            delivery_event=event.event_type
        )
    reason = SUPPRESSING.get(event.event_type)
    if reason and event.recipient:
        address_suppress(email=event.recipient, reason=reason, now=now)
