"""When a response to an incident is due (M2: "within 24 hours, or the next working
day at weekends").

The school's term calendar and monitoring hours (``cms.school_calendar``) decide what
a working day is, so holidays, INSET days and closures count like weekends.
"""

from __future__ import annotations

import datetime
import logging

from cms.school_calendar import NoMonitoredHours, school_calendar_from

logger = logging.getLogger(__name__)

RESPONSE_WITHIN = datetime.timedelta(hours=24)


def response_due_at(*, reported_at: datetime.datetime) -> datetime.datetime:
    """24 hours after ``reported_at`` if someone is working then; otherwise the end
    of the next working day.

    Reported on a Tuesday at 10:00: due Wednesday 10:00. Reported on a Friday at
    16:00 (24 hours later is Saturday) or on a Saturday: due at the end of Monday's
    monitored hours, or of the first school day after a holiday.
    """
    due = reported_at + RESPONSE_WITHIN
    calendar = school_calendar_from(due)
    try:
        next_read = calendar.next_read_time(due)
    except NoMonitoredHours:
        # The monitoring hours leave no working day: still record the incident
        # (nothing may be lost), due 24 hours on, and say why in the log.
        logger.warning(
            "No monitored hours in the calendar: incident due 24 hours after report",
            extra={"event": "incidents.due_without_calendar"},
        )
        return due
    if next_read == due:
        return next_read
    _opens, closes = calendar.window(next_read.date())
    return closes
