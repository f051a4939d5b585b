"""rq jobs: thin wrappers that take ids and call a service."""

from django.utils import timezone

from .sending import alert_emails_send_due


def send_due_emails(*, site_id: int) -> None:
    """Send one batch of one school's due alert emails (and wake again if more)."""
    alert_emails_send_due(site_id=site_id, now=timezone.now())
