"""rq jobs for moderation: thin wrappers that call a service."""

import datetime

from moderation.consent.clearance import media_clearance_refresh_all
from moderation.consent.lapses import consent_lapses_apply
from moderation.consent.services import consent_expiry_sweep
from moderation.incidents.blocking import block_reviews_remind
from moderation.incidents.retention import incidents_retention_sweep


def consent_expiry_check() -> int:
    """Daily: withdraw images whose consent expired or whose learner left (C1).

    Then recheck every item's clearance, the catch-up for what rendering reads.
    """
    withdrawn = consent_expiry_sweep()
    media_clearance_refresh_all()
    return withdrawn


def consent_lapse_run() -> int:
    """At the moment consent ends (scheduled for it): withdraw what it covered (C1)."""
    return consent_lapses_apply()


def incident_retention_check(*, now: datetime.datetime | None = None) -> int:
    """Daily: delete closed incidents whose retention period ended (GDPR)."""
    return incidents_retention_sweep(now=now)


def block_review_reminders(*, on: datetime.date | None = None) -> int:
    """Daily: remind senior leadership of blocked accounts due for review (I3)."""
    return block_reviews_remind(on=on)
