"""rq jobs for moderation: thin wrappers that call a service."""

from moderation.consent.clearance import media_clearance_refresh_all
from moderation.consent.services import consent_expiry_sweep


def consent_expiry_check() -> int:
    """Daily: withdraw images whose consent expired or whose learner left (C1).

    Then recheck every item's clearance, the catch-up for what rendering reads.
    """
    withdrawn = consent_expiry_sweep()
    media_clearance_refresh_all()
    return withdrawn
