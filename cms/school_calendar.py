"""When is the school watching its accounts? Answers from the term calendar (M1, M2).

The rest of the system asks one question: "a message sent at T: when will someone
next read it?" (``next_read_time``). Incident response-due times, the out-of-hours
warning on scheduled posts and the holiday notices' "first day back" all use it.

A day is a *school day* when its weekday is watched (monitoring-hours site setting),
no holiday, INSET day or closure covers it, and it is not in the gap between two
terms (a summer holiday that nobody typed in is still a holiday). Past the last term
in the calendar we know nothing more, so weekdays count as school days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from wagtail.models import Site

from .calendar_settings import MonitoringHours
from .models import TermDate

# Far enough to cross any school holiday; a calendar with no school day in a whole
# year is a settings mistake, reported rather than looped over forever.
LOOK_AHEAD_DAYS = 400


class NoMonitoredHours(Exception):
    """The settings and calendar leave no watched hour in the coming year."""


@dataclass(frozen=True)
class SchoolCalendar:
    """The monitoring hours and the closed days over a span, loaded once."""

    hours: MonitoringHours
    closed_days: frozenset[datetime.date]
    terms: tuple[tuple[datetime.date, datetime.date], ...]

    @classmethod
    def load(
        cls,
        *,
        first_day: datetime.date,
        last_day: datetime.date,
        site: Site | None = None,
        closed_kinds: tuple[str, ...] = TermDate.SCHOOL_CLOSED_KINDS,
    ) -> SchoolCalendar:
        site = site or Site.objects.get(is_default_site=True)
        hours = MonitoringHours.for_site(site)
        closed: set[datetime.date] = set()
        overlapping = TermDate.objects.filter(
            Q(ends_on__gte=first_day)
            | Q(ends_on__isnull=True, starts_on__gte=first_day),
            starts_on__lte=last_day,
            kind__in=closed_kinds,
            site=site,
        )
        for closure in overlapping:
            day = max(closure.starts_on, first_day)
            while day <= min(closure.last_day, last_day):
                closed.add(day)
                day += datetime.timedelta(days=1)
        terms = tuple(
            TermDate.objects.filter(kind=TermDate.Kind.TERM, site=site)
            .order_by("starts_on")
            .values_list("starts_on", "ends_on")
        )
        return cls(
            hours=hours,
            closed_days=frozenset(closed),
            terms=tuple((start, end or start) for start, end in terms),
        )

    def _between_terms(self, day: datetime.date) -> bool:
        if not self.terms or any(s <= day <= e for s, e in self.terms):
            return False
        return any(e < day for _, e in self.terms) and any(
            s > day for s, _ in self.terms
        )

    def is_school_day(self, day: datetime.date) -> bool:
        """True when someone watches the accounts on ``day`` (in the school's zone)."""
        return (
            day.weekday() in self.hours.weekdays
            and day not in self.closed_days
            and not self._between_terms(day)
        )

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """The watched hours of ``day`` as aware datetimes in the school's zone."""
        zone = self.hours.zone
        return (
            datetime.datetime.combine(day, self.hours.opens_at, tzinfo=zone),
            datetime.datetime.combine(day, self.hours.closes_at, tzinfo=zone),
        )

    def next_read_time(self, at: datetime.datetime) -> datetime.datetime:
        day = at.astimezone(self.hours.zone).date()
        for _ in range(LOOK_AHEAD_DAYS):
            if self.is_school_day(day):
                opens, closes = self.window(day)
                if at < opens:
                    return opens
                if at < closes:
                    return at.astimezone(self.hours.zone)
            day += datetime.timedelta(days=1)
        raise NoMonitoredHours(
            "No day in the coming year is watched: check the monitoring hours "
            "and the term calendar."
        )


def school_calendar_from(
    at: datetime.datetime,
    *,
    site: Site | None = None,
    closed_kinds: tuple[str, ...] = TermDate.SCHOOL_CLOSED_KINDS,
) -> SchoolCalendar:
    """The calendar from ``at``'s day onwards, far enough for any holiday."""
    first_day = at.date() - datetime.timedelta(days=1)  # any zone's "today"
    return SchoolCalendar.load(
        first_day=first_day,
        last_day=first_day + datetime.timedelta(days=LOOK_AHEAD_DAYS + 2),
        site=site,
        closed_kinds=closed_kinds,
    )


def next_read_time(
    at: datetime.datetime, *, site: Site | None = None
) -> datetime.datetime:
    """When a message sent at ``at`` will next be read by the school (M1, M2).

    ``at`` itself when it falls inside the watched hours of a school day; otherwise
    the opening time of the next school day. Returned in the school's time zone.
    DST-safe: opening times are wall-clock times on the school's calendar.

    Args:
        at: an aware datetime (any zone).
        site: the school; the default site when omitted (one-school installs).

    Raises:
        NoMonitoredHours: the settings leave no watched hour in the coming year.
    """
    if at.tzinfo is None:
        raise ValueError("next_read_time needs an aware datetime")
    return school_calendar_from(at, site=site).next_read_time(at)


def school_day_end(at: datetime.datetime, *, site: Site | None = None):
    """When the school day a notice given at ``at`` applies to is over.

    The end of today's watched hours if today is a school day not yet over;
    otherwise the end of the next school day. A closure announced on Sunday
    ("closed on Monday") ends on Monday evening, not on Sunday at 17:00; one
    announced on the last evening of a holiday ends at the end of the first day
    back. A day marked closed in the term calendar (a polling day, an INSET day) is
    still the day a closure notice can be about, so only holidays are skipped.

    Raises:
        NoMonitoredHours: the settings leave no watched hour in the coming year.
    """
    calendar = school_calendar_from(
        at, site=site, closed_kinds=(TermDate.Kind.HOLIDAY,)
    )
    read = calendar.next_read_time(at)
    return calendar.window(read.date())[1]


def first_school_day_after(
    day: datetime.date, *, site: Site | None = None
) -> datetime.date:
    """The first school day after ``day``: "first day back" after a holiday."""
    calendar = SchoolCalendar.load(
        first_day=day,
        last_day=day + datetime.timedelta(days=LOOK_AHEAD_DAYS + 1),
        site=site,
    )
    candidate = day + datetime.timedelta(days=1)
    for _ in range(LOOK_AHEAD_DAYS):
        if calendar.is_school_day(candidate):
            return candidate
        candidate += datetime.timedelta(days=1)
    raise NoMonitoredHours("No school day in the coming year after that date.")
