"""rq jobs: thin wrappers that take ids and call a service."""

from django.utils import timezone

from .push_sending import alert_pushes_send_due
from .sending import alert_emails_send_due


def send_due_alerts(*, site_id: int) -> None:
    """Send one batch of one school's due pushes, then of its due emails (and wake
    again if more are due). Pushes first: they are quick, and a phone is where a
    closure is seen soonest."""
    alert_pushes_send_due(site_id=site_id, now=timezone.now())
    alert_emails_send_due(site_id=site_id, now=timezone.now())
