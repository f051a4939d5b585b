"""The blocked accounts register (I3): reminders when a block's review is due."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from wagtail.log_actions import log

from moderation.models import BlockedAccount
from moderation.roles import HEADTEACHER, SENIOR_LEADERSHIP

from . import audit, notifications

logger = logging.getLogger(__name__)


def block_reviews_remind(*, on: datetime.date | None = None) -> int:
    """Email the person who decided and senior leadership about each block whose
    review date has come, once per review date.

    Returns:
        How many reminders were sent.
    """
    on = on or timezone.localdate()
    sent = 0
    for blocked in BlockedAccount.objects.reminder_due(on=on).select_related(
        "decided_by"
    ):
        decider = blocked.decided_by
        senior = notifications.staff_emails(
            groups=(SENIOR_LEADERSHIP, HEADTEACHER), site_id=blocked.site_id
        )
        recipients = sorted(
            {*senior, *([decider.email] if decider and decider.is_active else [])}
            - {""}
        )
        if recipients:
            notifications.block_review_reminder_send(
                blocked=blocked, recipients=recipients
            )
        BlockedAccount.objects.filter(pk=blocked.pk).update(review_reminded_on=on)
        log(
            instance=blocked,
            action=audit.BLOCK_REVIEW_REMINDED,
            data={"recipients": len(recipients)},
        )
        sent += 1
    return sent
