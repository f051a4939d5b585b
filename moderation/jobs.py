"""rq jobs for moderation: thin wrappers that call a service."""

from moderation.consent.services import consent_expiry_sweep


def consent_expiry_check() -> int:
    """Daily: withdraw images whose consent expired or whose learner left (C1)."""
    return consent_expiry_sweep()
