"""The out-of-hours warning: a post going live when nobody will read the replies.

Staff scheduling a page (and its social posts) to go live outside the monitoring
hours or in a holiday are told when replies will next be read (M1, M2) and offered
that time instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .school_calendar import NoMonitoredHours, next_read_time


@dataclass(frozen=True)
class OutOfHours:
    goes_live: datetime.datetime
    next_read: datetime.datetime

    def message(self) -> str:
        live = timezone.localtime(self.goes_live)
        read = timezone.localtime(self.next_read)
        return (
            f"This is scheduled to go live on {live:%A %d %B at %H:%M}, when nobody "
            "watches the school's social media: replies and comments will next be "
            f"read on {read:%A %d %B at %H:%M}."
        )


def out_of_hours(
    go_live_at: datetime.datetime | None, *, now: datetime.datetime
) -> OutOfHours | None:
    """The warning for a page scheduled at ``go_live_at``, or None when in hours."""
    if go_live_at is None or go_live_at <= now:
        return None
    try:
        read = next_read_time(go_live_at)
    except NoMonitoredHours:
        return None  # the settings problem is reported where it is set
    if read == go_live_at:
        return None
    return OutOfHours(goes_live=go_live_at, next_read=read)
