"""When a comment must be answered by (M2): 24 hours, or the next working day.

"Replies within 24 hours, or the next working day at weekends" (004). A comment is
due 24 hours after it arrived when that moment falls in the school's monitored
hours on a school day; otherwise by the end of the next school day's monitored
hours (a Friday evening comment: Monday; one in the holidays: the first day back).
The monitoring hours and holidays are the school calendar's (`cms.school_calendar`).
"""

from __future__ import annotations

import datetime

from cms.school_calendar import NoMonitoredHours, school_calendar_from

PROMISE = datetime.timedelta(hours=24)


def reply_due_at(*, received_at: datetime.datetime, site) -> datetime.datetime:
    """The time a reply is promised by, in the school's time zone.

    Falls back to 24 hours when the settings leave no monitored hour at all: the
    promise still stands, and the calendar page says what is wrong.
    """
    promised = received_at + PROMISE
    try:
        calendar = school_calendar_from(promised, site=site)
        read = calendar.next_read_time(promised)
    except NoMonitoredHours:
        return promised
    if read == promised.astimezone(read.tzinfo):
        return read  # inside monitored hours: 24 hours it is
    return calendar.window(read.date())[1]
