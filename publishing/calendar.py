"""The social calendar: what went, and what is due to go, to each account by day.

What Hootsuite and Buffer users expect to see: a week or a month, one column per day,
each post with its account, page, author and status. A post's day is when it went
(``sent_at``) or, if it has not gone, when it is next due (``next_attempt_at``), in
the school's time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from publishing.models import Delivery


@dataclass
class CalendarDay:
    day: datetime.date
    in_period: bool
    entries: list[Delivery] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


@dataclass(frozen=True)
class CalendarPeriod:
    view: str  # "week" or "month"
    start: datetime.date  # first day shown (a Monday)
    end: datetime.date  # day after the last day shown
    anchor: datetime.date
    previous: datetime.date
    following: datetime.date

    @property
    def title(self) -> str:
        if self.view == "month":
            return f"{self.anchor:%B %Y}"
        last = self.end - datetime.timedelta(days=1)
        return f"{self.start:%d %b} to {last:%d %b %Y}"


def calendar_period(*, view: str, anchor: datetime.date) -> CalendarPeriod:
    """The days to show for ``view`` around ``anchor``, whole weeks from Monday."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        start = first - datetime.timedelta(days=first.weekday())
        last = following - datetime.timedelta(days=1)
        end = last + datetime.timedelta(days=7 - last.weekday())
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        return CalendarPeriod("month", start, end, first, previous, following)
    start = anchor - datetime.timedelta(days=anchor.weekday())
    end = start + datetime.timedelta(days=7)
    return CalendarPeriod(
        "week",
        start,
        end,
        anchor,
        start - datetime.timedelta(days=7),
        end,
    )


def _day_of(delivery: Delivery) -> datetime.date:
    moment = delivery.sent_at or delivery.next_attempt_at or delivery.first_due_at
    return timezone.localtime(moment).date()


def calendar_days(
    *,
    period: CalendarPeriod,
    site: Site | None,
    account_id: int | None = None,
    author_id: int | None = None,
) -> list[CalendarDay]:
    """Each day of ``period`` with the school's deliveries that went or are due.

    ``site``: the school whose accounts' deliveries are shown (none when ``None``).
    """
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.end, datetime.time.min, tzinfo=zone)
    deliveries = Delivery.objects.filter(
        Q(sent_at__gte=start, sent_at__lt=end)
        | Q(sent_at__isnull=True, next_attempt_at__gte=start, next_attempt_at__lt=end),
        account__site=site,
    ).select_related("account", "page__owner")
    if account_id:
        deliveries = deliveries.filter(account_id=account_id)
    if author_id:
        deliveries = deliveries.filter(page__owner_id=author_id)
    days = {}
    day = period.start
    while day < period.end:
        in_period = period.view == "week" or day.month == period.anchor.month
        days[day] = CalendarDay(day=day, in_period=in_period)
        day += datetime.timedelta(days=1)
    for delivery in deliveries.order_by("sent_at", "next_attempt_at"):
        entry_day = _day_of(delivery)
        if entry_day in days:
            days[entry_day].entries.append(delivery)
    return list(days.values())
