"""When a job is due: every N minutes, or at a wall-clock time daily or weekly."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

UTC = datetime.UTC
WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


@dataclass(frozen=True)
class EveryMinutes:
    minutes: int

    def latest_slot(self, now: datetime.datetime, zone) -> datetime.datetime:
        """The most recent slot at or before ``now`` (UTC, whole minutes)."""
        epoch_minutes = int(now.astimezone(UTC).timestamp() // 60)
        slot = epoch_minutes - epoch_minutes % self.minutes
        return datetime.datetime.fromtimestamp(slot * 60, tz=UTC)

    def next_slot(self, now: datetime.datetime, zone) -> datetime.datetime:
        return self.latest_slot(now, zone) + datetime.timedelta(minutes=self.minutes)

    @property
    def grace(self) -> datetime.timedelta:
        """How late a run may be before the dashboard calls it overdue."""
        return datetime.timedelta(minutes=max(5, 3 * self.minutes))

    def describe(self) -> str:
        return "every minute" if self.minutes == 1 else f"every {self.minutes} minutes"


@dataclass(frozen=True)
class DailyAt:
    """At ``time`` on the school's clock each day (or on one weekday).

    A slot is the wall-clock time on a local date, so the day the clocks go forward
    (the time may not exist: it runs an hour later) or back (the time happens twice:
    it runs at the first) still has exactly one slot.
    """

    time: datetime.time
    weekday: int | None = None  # Monday is 0; None: every day

    def _slot_on(self, day: datetime.date, zone) -> datetime.datetime:
        local = datetime.datetime.combine(day, self.time, tzinfo=zone)
        return local.astimezone(UTC)

    def _is_slot_day(self, day: datetime.date) -> bool:
        return self.weekday is None or day.weekday() == self.weekday

    def latest_slot(self, now: datetime.datetime, zone) -> datetime.datetime:
        day = now.astimezone(zone).date()
        for _ in range(8):
            if self._is_slot_day(day) and self._slot_on(day, zone) <= now:
                return self._slot_on(day, zone)
            day -= datetime.timedelta(days=1)
        raise AssertionError("a weekly schedule always has a slot in eight days")

    def next_slot(self, now: datetime.datetime, zone) -> datetime.datetime:
        day = now.astimezone(zone).date()
        for _ in range(8):
            if self._is_slot_day(day) and self._slot_on(day, zone) > now:
                return self._slot_on(day, zone)
            day += datetime.timedelta(days=1)
        raise AssertionError("a weekly schedule always has a slot in eight days")

    @property
    def grace(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=30)

    def describe(self) -> str:
        when = f"at {self.time:%H:%M}"
        if self.weekday is None:
            return f"daily {when}"
        return f"{WEEKDAYS[self.weekday]}s {when}"


Schedule = EveryMinutes | DailyAt


def school_zone() -> zoneinfo.ZoneInfo:
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)
