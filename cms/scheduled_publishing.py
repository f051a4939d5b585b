"""Go live and expire pages at their scheduled times (M3: expired content goes).

Wagtail's ``publish_scheduled`` command, as a function that takes ``now`` and says
what it did, for the "go live and expire" scheduled job. Unpublishing sends Wagtail's
``page_unpublished`` signal, on which publishing deletes the expired page's posts
from the social networks.
"""

from __future__ import annotations

import datetime

from wagtail.models import Page, Revision


def pages_publish_scheduled(*, now: datetime.datetime) -> str:
    """Expire live pages past ``expire_at``; publish revisions approved to go live."""
    expired = list(Page.objects.live().filter(expire_at__lte=now).order_by("expire_at"))
    for page in expired:
        page.specific.unpublish(
            set_expired=True, log_action="wagtail.unpublish.scheduled"
        )
    due = list(
        Revision.objects.filter(approved_go_live_at__lte=now).order_by(
            "approved_go_live_at"
        )
    )
    for revision in due:
        revision.publish(log_action="wagtail.publish.scheduled")
    return f"{len(due)} went live, {len(expired)} expired."
