"""iCalendar (RFC 5545) text for the term dates, written by hand.

Small enough not to need a library: CRLF line endings, TEXT escaping (backslash,
semicolon, comma, newline) and folding of lines longer than 75 octets.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from .models import TermDate

MAX_LINE_OCTETS = 75
CRLF = "\r\n"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1).

    Continuation lines start with one space; a multi-byte character is never split.
    """
    pieces: list[str] = []
    current = ""
    limit = MAX_LINE_OCTETS
    for character in line:
        if len((current + character).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
            limit = MAX_LINE_OCTETS - 1  # room for the leading space
        current += character
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _date_value(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def _utc_value(day: datetime.date, time: datetime.time) -> str:
    """A timed event's moment in UTC ("Z"): no VTIMEZONE block needed."""
    local = timezone.make_aware(datetime.datetime.combine(day, time))
    return local.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _when_lines(term_date: TermDate) -> list[str]:
    if term_date.is_all_day:
        # DTEND of an all-day event is exclusive: the day after the last day.
        day_after = term_date.last_day + datetime.timedelta(days=1)
        return [
            f"DTSTART;VALUE=DATE:{_date_value(term_date.starts_on)}",
            f"DTEND;VALUE=DATE:{_date_value(day_after)}",
        ]
    lines = [f"DTSTART:{_utc_value(term_date.starts_on, term_date.starts_at_time)}"]
    if term_date.ends_at_time:
        lines.append(f"DTEND:{_utc_value(term_date.last_day, term_date.ends_at_time)}")
    return lines


def term_dates_calendar(
    term_dates: Iterable[TermDate],
    *,
    calendar_name: str,
    uid_domain: str,
    generated_at: datetime.datetime,
) -> str:
    """The VCALENDAR text for ``term_dates``: one VEVENT each (all-day or timed).

    Args:
        term_dates: the dates to publish.
        calendar_name: shown by calendar apps, e.g. "Meadowbank Primary: term dates".
        uid_domain: makes each event's UID globally unique and stable across fetches.
        generated_at: the DTSTAMP (an aware datetime).
    """
    stamp = generated_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//School CMS//Term dates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    for term_date in term_dates:
        # An imported date keeps its calendar's UID: re-importing updates it.
        uid = term_date.uid or f"term-date-{term_date.pk}@{uid_domain}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(uid)}",
            f"DTSTAMP:{stamp}",
            *_when_lines(term_date),
            f"SUMMARY:{escape_text(term_date.title_in_language)}",
            f"CATEGORIES:{escape_text(term_date.get_kind_display())}",
            "TRANSP:TRANSPARENT",
        ]
        if term_date.details:
            lines.append(f"DESCRIPTION:{escape_text(term_date.details)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)
