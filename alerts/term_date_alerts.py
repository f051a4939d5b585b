"""Alerts for the school calendar: a term date or event added or changed (part 1).

A date is in the calendar (the website's term-dates page, its iCal feed) as soon as
it is saved, typed in by staff or imported from the school's calendar: that is when
families who chose "term dates and events" hear of it, straight away or in their
summary. A change to what families are told (title, kind, days, times, details)
replaces the earlier alert: a summary not yet sent lists the date once, as it is
now. Removing a date stops every email about it not yet sent. Dates already over
are not announced.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.models import TermDate

from .audience import subscriptions_wanting
from .messages import site_address
from .models import Alert, Category
from .outbox import SUMMARY_WORDS, alert_emails_write, alerts_withdraw

#: The fields whose change families are told about.
ANNOUNCED_FIELDS = (
    "title",
    "kind",
    "starts_on",
    "ends_on",
    "starts_at_time",
    "ends_at_time",
    "details",
)


def announced(term_date: TermDate) -> tuple:
    return tuple(getattr(term_date, name) for name in ANNOUNCED_FIELDS)


def when_text(term_date: TermDate) -> str:
    """'Monday 3 March 2027, 18:00 to 19:30' or 'Monday 3 to Friday 7 March 2027'."""
    first = formats.date_format(term_date.starts_on, "l j F Y")
    if term_date.ends_on and term_date.ends_on != term_date.starts_on:
        last = formats.date_format(term_date.ends_on, "l j F Y")
        days = _("%(first)s to %(last)s") % {"first": first, "last": last}
    else:
        days = first
    if term_date.starts_at_time is None:
        return days
    start = formats.time_format(term_date.starts_at_time, "H:i")
    if term_date.ends_at_time is None:
        return _("%(days)s, from %(start)s") % {"days": days, "start": start}
    end = formats.time_format(term_date.ends_at_time, "H:i")
    return _("%(days)s, %(start)s to %(end)s") % {
        "days": days,
        "start": start,
        "end": end,
    }


def term_date_summary(term_date: TermDate) -> str:
    details = " ".join(term_date.details.split())
    text = f"{term_date.get_kind_display()}: {when_text(term_date)}."
    return Truncator(f"{text} {details}".strip()).words(SUMMARY_WORDS)


@transaction.atomic
def alert_for_term_date(
    *, term_date: TermDate, before: tuple | None, now: datetime
) -> Alert | None:
    """Write the date's alert and a ledger row per family who chose the calendar.

    Args:
        before: what families were told of the date before this save (None: new).
    """
    if before is not None and before == announced(term_date):
        return None  # saved again, or only the Welsh title or source changed
    if term_date.last_day < timezone.localdate(now):
        return None
    changed = before is not None
    alerts_withdraw(
        alerts=Alert.objects.filter(term_date=term_date),
        reason="The date changed again before this was sent; the newer change is "
        "sent instead.",
        now=now,
    )
    title = term_date.title
    alert = Alert.objects.create(
        site=term_date.site,
        term_date=term_date,
        category=Category.TERM_DATES,
        title=_("Changed: %(title)s") % {"title": title} if changed else title,
        summary=term_date_summary(term_date),
        url=site_address(term_date.site, reverse("term_dates")),
    )
    alert_emails_write(
        alert=alert,
        wanted=subscriptions_wanting(site=term_date.site, category=Category.TERM_DATES),
        now=now,
    )
    return alert


#: The dates an imported calendar's one alert names; the rest are on the website.
IMPORT_DATES_LISTED = 5


@transaction.atomic
def alert_for_imported_term_dates(
    *, site, dates: list[TermDate], now: datetime
) -> Alert | None:
    """One alert for every date a calendar import added or changed (not one each:
    a family who chose "straight away" gets one email for a year's calendar).

    Dates already over are left out; a single date is told as one typed in.
    """
    today = timezone.localdate(now)
    coming = sorted(
        (term_date for term_date in dates if term_date.last_day >= today),
        key=lambda term_date: term_date.starts_on,
    )
    if not coming:
        return None
    if len(coming) == 1:
        return alert_for_term_date(term_date=coming[0], before=None, now=now)
    listed = [f"{term_date.title}: {when_text(term_date)}" for term_date in coming]
    if len(listed) > IMPORT_DATES_LISTED:
        listed = [
            *listed[:IMPORT_DATES_LISTED],
            _("and %(count)s more on the website.")
            % {"count": len(listed) - IMPORT_DATES_LISTED},
        ]
    alert = Alert.objects.create(
        site=site,
        category=Category.TERM_DATES,
        title=ngettext(
            "%(count)s date added or changed in the school calendar",
            "%(count)s dates added or changed in the school calendar",
            len(coming),
        )
        % {"count": len(coming)},
        summary=Truncator("; ".join(listed)).words(SUMMARY_WORDS),
        url=site_address(site, reverse("term_dates")),
    )
    alert_emails_write(
        alert=alert,
        wanted=subscriptions_wanting(site=site, category=Category.TERM_DATES),
        now=now,
    )
    return alert


def alerts_withdraw_for_term_date(*, term_date_id: int, now: datetime) -> int:
    return alerts_withdraw(
        alerts=Alert.objects.filter(term_date_id=term_date_id),
        reason="The date was removed from the calendar before this was sent.",
        now=now,
    )
