"""When an update is due: now, at the next daily summary, or the next Friday's."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings

from .models import Frequency


def _clock(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def due_at_for(frequency: str, *, now: datetime.datetime) -> datetime.datetime:
    """The moment an update chosen at ``frequency`` goes, on the school's clock.

    A summary slot that falls while the clocks change still happens once.
    """
    if frequency == Frequency.IMMEDIATE:
        return now
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    weekly = frequency == Frequency.WEEKLY
    at = _clock(
        settings.ALERTS_WEEKLY_DIGEST_TIME
        if weekly
        else settings.ALERTS_DAILY_DIGEST_TIME
    )
    day = now.astimezone(zone).date()
    for _ in range(9):
        slot = datetime.datetime.combine(day, at, tzinfo=zone)
        wanted_day = (
            not weekly or day.weekday() == settings.ALERTS_WEEKLY_DIGEST_WEEKDAY
        )
        if wanted_day and slot > now:
            return slot.astimezone(datetime.UTC)
        day += datetime.timedelta(days=1)
    raise AssertionError("a weekly slot always comes within nine days")
