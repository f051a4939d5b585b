"""What the inbox reports: overdue comments for the dashboard, and each account's
response times (M2) over a week."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import F

from .access import visible_items


@dataclass(frozen=True)
class ResponseTimes:
    account: str
    answered: int
    median: datetime.timedelta
    worst: datetime.timedelta


def overdue_for(*, user, site, at: datetime.datetime):
    """The user's comments past their reply time (the dashboard panel)."""
    return visible_items(user=user, site=site).overdue(at=at)


def response_times(
    *, user, site, since: datetime.datetime, until: datetime.datetime
) -> list[ResponseTimes]:
    """Per account: how long comments answered between ``since`` and ``until`` took
    from arrival to answer, median and worst."""
    rows: dict[str, list[datetime.timedelta]] = {}
    answered = (
        visible_items(user=user, site=site)
        .filter(answered_at__gte=since, answered_at__lt=until)
        .annotate(took=F("answered_at") - F("received_at"))
        .values_list("account__name", "took")
    )
    for account, took in answered:
        rows.setdefault(account, []).append(took)
    return [
        ResponseTimes(
            account=account,
            answered=len(times),
            median=statistics.median_low(sorted(times)),
            worst=max(times),
        )
        for account, times in sorted(rows.items())
    ]
