"""Green, amber or red for one school's record of one requirement.

- red: a "must" item with no link, a link that no longer reaches the public, or a
  yearly deadline that passed without a review since the one before it;
- amber: a "should" item with no link; 30 days before a yearly deadline (or the due
  date of a yearly review) not yet met; a review older than its cadence;
- green: linked, reachable, and reviewed within its cadence.

Kept-current items are due a review as often as every page in the weekly content
review (``CONTENT_REVIEW_STALE_DAYS``): one review rhythm for the whole website.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

GREEN, AMBER, RED = "green", "amber", "red"
WARNING_DAYS = 30
YEAR = datetime.timedelta(days=365)


@dataclass(frozen=True)
class ItemStatus:
    colour: str
    summary: str
    due: datetime.date | None = None


def _on(year: int, month: int, day: int) -> datetime.date:
    """The deadline in ``year`` (28 February stands in for the 29th)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, day - 1)


def deadlines_around(requirement, today: datetime.date):
    """The last yearly deadline before ``today`` and the next one from ``today``."""
    month, day = requirement.deadline_month, requirement.deadline_day
    this_year = _on(today.year, month, day)
    if today <= this_year:
        return _on(today.year - 1, month, day), this_year
    return this_year, _on(today.year + 1, month, day)


def _when(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _deadline_status(requirement, reviewed, today) -> ItemStatus:
    last, upcoming = deadlines_around(requirement, today)
    year_before_last = _on(last.year - 1, last.month, last.day)
    if reviewed is None or reviewed <= year_before_last:
        return ItemStatus(
            RED, _("Not updated for the deadline of %s") % _when(last), last
        )
    if reviewed <= last and upcoming - today <= datetime.timedelta(days=WARNING_DAYS):
        return ItemStatus(AMBER, _("Due by %s") % _when(upcoming), upcoming)
    return ItemStatus(
        GREEN, _("Up to date; next due by %s") % _when(upcoming), upcoming
    )


def _review_status(reviewed, today, *, every: datetime.timedelta) -> ItemStatus:
    if reviewed is None:
        return ItemStatus(AMBER, _("Never reviewed"), today)
    due = reviewed + every
    if due < today:
        return ItemStatus(AMBER, _("Review overdue since %s") % _when(due), due)
    if due - today <= datetime.timedelta(days=WARNING_DAYS):
        return ItemStatus(AMBER, _("Review due by %s") % _when(due), due)
    return ItemStatus(GREEN, _("Up to date; review by %s") % _when(due), due)


def item_status(
    requirement, record, *, today: datetime.date, problem: str = ""
) -> ItemStatus:
    """The status of ``requirement`` for a school whose record is ``record`` (or
    None); ``problem``: what stops parents reaching its link, if anything."""
    linked = record is not None and (record.page_id or record.document_id)
    if problem:
        return ItemStatus(RED, problem)
    if not linked:
        if requirement.basis == "must":
            return ItemStatus(RED, _("Not on the website yet"))
        return ItemStatus(AMBER, _("Not on the website yet (recommended)"))
    reviewed = record.last_reviewed
    if requirement.cadence == "deadline":
        return _deadline_status(requirement, reviewed, today)
    if requirement.cadence == "annual":
        return _review_status(reviewed, today, every=YEAR)
    if requirement.cadence == "keep_current":
        every = datetime.timedelta(days=settings.CONTENT_REVIEW_STALE_DAYS)
        return _review_status(reviewed, today, every=every)
    return ItemStatus(GREEN, _("Published; update it when a new one comes out"))
