"""What the email and push ledgers share: the last check before sending, and back-off.

Just before anything goes to a family (ARCHITECTURE step 4, as for every channel),
the alert is checked again: its page is still live and public (not withdrawn,
expired or taken down), and the consent rule-set still lets the page and the words
of the alert out (the same name check and consent check as the website and the
social posts). Alerts carry no photographs of pupils, so no picture consent beyond
the website's is needed.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from wagtail.models import Page

from moderation.consent.rules import Channel, page_violations

from .models import Alert
from .outbox import page_is_announceable


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with jitter, capped by ``ALERTS_RETRY_MAX_SECONDS``."""
    base = settings.ALERTS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    capped = min(base, settings.ALERTS_RETRY_MAX_SECONDS)
    return timedelta(seconds=capped / 2 + random.uniform(0, capped / 2))  # noqa: S311


class AlertChecks:
    """The consent and liveness check of each alert, made once per batch."""

    def __init__(self, *, channel_name: str):
        self.channel_name = channel_name
        self._reasons: dict[int, str] = {}

    def stop_reason(self, alert: Alert) -> str:
        """Why ``alert`` must not go out now; empty when it may."""
        if alert.pk not in self._reasons:
            self._reasons[alert.pk] = self._check(alert)
        return self._reasons[alert.pk]

    def _check(self, alert: Alert) -> str:
        if alert.withdrawn_at is not None:
            return "The page was withdrawn before this was sent."
        page = Page.objects.filter(pk=alert.page_id).first()
        if page is None:
            return "The page was deleted before this was sent."
        page = page.specific
        if not page_is_announceable(page):
            return "The page is no longer on the website."
        channel = Channel(
            kind="website",
            name=self.channel_name,
            closed=False,
            text=f"{alert.title}\n{alert.summary}",
        )
        violations = page_violations(page, channel=channel)
        if violations:
            return "Blocked by the consent check: " + " ".join(
                violation.message for violation in violations
            )
        return ""
