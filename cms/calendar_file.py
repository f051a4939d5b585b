"""Reading an iCalendar (.ics) file of term dates into plain occurrences.

Parsed with the ``icalendar`` library; recurring events are expanded with
``recurring-ical-events`` over a window around today. Every event becomes one
``CalendarOccurrence`` keyed by its UID (plus the occurrence date for a recurring
one), so a file imported again lands on the same rows.

Everything that can be wrong with a file is said in words for the member of staff
who chose it, never as the parser's own message (which quotes raw bytes): a file that
is not a calendar or stops part-way is refused whole; an event whose dates or repeat
rule cannot be read is skipped and named.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass, field

import recurring_ical_events
from django.conf import settings
from icalendar import Calendar
from icalendar.prop import vBroken

from .models import TermDate

# How far back and ahead a repeating event is expanded.
EXPAND_DAYS_BACK = 366
EXPAND_DAYS_AHEAD = 2 * 366
MAX_EVENTS = 2000
MEGABYTE = 1024 * 1024
_KIND_WORDS = (
    (TermDate.Kind.INSET, ("inset", "training day", "staff development")),
    (TermDate.Kind.CLOSURE, ("school closed", "closure", "polling")),
    (TermDate.Kind.HOLIDAY, ("holiday", "half term", "half-term", "bank")),
    (TermDate.Kind.TERM, ("term",)),
)
_NOTHING_IMPORTED = "Nothing was imported."
_EXPORT_AGAIN = (
    "Export or download the calendar again and import the new file. "
    + _NOTHING_IMPORTED
)


class TermDatesFileRefused(Exception):
    """The whole file was refused; nothing was imported. ``str()`` says why."""


class _UnreadableEvent(ValueError):
    """One event cannot be read; ``str()`` names it and says why, in words."""


@dataclass(frozen=True)
class CalendarOccurrence:
    """One date of one event in the file, as the term date it would become."""

    key: str
    uid: str  # the event's UID ("" when it has none): a series shares one
    title: str
    kind: str
    details: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    starts_at_time: datetime.time | None
    ends_at_time: datetime.time | None
    sequence: int
    cancelled: bool
    order: int

    @property
    def fields(self) -> dict:
        """The ``TermDate`` fields this occurrence sets."""
        return {
            "title": self.title,
            "kind": self.kind,
            "details": self.details,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "starts_at_time": self.starts_at_time,
            "ends_at_time": self.ends_at_time,
        }


@dataclass
class CalendarFile:
    """What a file holds: its own name for itself and its dates, one per key."""

    calendar_name: str
    occurrences: list[CalendarOccurrence]
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def uids(self) -> frozenset[str]:
        return frozenset(item.uid for item in self.occurrences if item.uid)


def max_import_bytes() -> int:
    return settings.TERM_DATES_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    """Refuse a file over the limit before it is read or parsed."""
    limit = max_import_bytes()
    if size > limit:
        raise TermDatesFileRefused(
            f"The file is {size / MEGABYTE:.1f} MB; calendar files of up to "
            f"{limit / MEGABYTE:.1f} MB can be imported. Export only this school "
            "year's dates and try again."
        )


def _content_lines(content: bytes) -> list[str]:
    """The file's lines, unfolded (RFC 5545 3.1), without blank ones."""
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw.strip())
    return lines


def _check_structure(content: bytes) -> None:
    """Refuse a file that stops part-way or whose parts do not match, in words.

    A file cut short in a download can still parse (the parser forgives a missing
    ``END:VCALENDAR``) while silently missing its last dates, so the ends are
    checked here rather than left to the parser.
    """
    lines = _content_lines(content)
    open_parts: list[str] = []
    for number, line in enumerate(lines, start=1):
        name, _, value = line.partition(":")
        name = name.split(";", 1)[0].strip().upper()
        if name == "BEGIN":
            open_parts.append(value.strip().upper())
        elif name == "END":
            part = value.strip().upper()
            if open_parts and number == len(lines) and part != open_parts[-1]:
                break  # the last line itself is cut short: said below
            if not open_parts or open_parts[-1] != part:
                raise TermDatesFileRefused(
                    "The calendar file is damaged: an event or section ends "
                    f"(line {number}) that was never started, or ends in the wrong "
                    f"place. {_EXPORT_AGAIN}"
                )
            open_parts.pop()
            if not open_parts and number != len(lines):
                raise TermDatesFileRefused(
                    f"The calendar file carries on after its end (line {number}). "
                    + _EXPORT_AGAIN
                )
    if open_parts:
        raise TermDatesFileRefused(
            "The calendar file stops part-way through: its last "
            + ("event" if open_parts[-1] == "VEVENT" else "section")
            + " is not finished, so dates may be missing. It was probably not "
            "downloaded completely. " + _EXPORT_AGAIN
        )


def parse_calendar(content: bytes) -> Calendar:
    """The calendar in ``content``, or ``TermDatesFileRefused`` saying why not."""
    check_size(len(content))
    if b"BEGIN:VCALENDAR" not in content[:2048].upper():
        raise TermDatesFileRefused(
            "This is not a calendar file. Choose an .ics file exported from a "
            "calendar (it starts with BEGIN:VCALENDAR)."
        )
    _check_structure(content)
    try:
        calendar = Calendar.from_ical(content)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        # The parser's message quotes the raw bytes; staff get words instead.
        raise TermDatesFileRefused(
            "The calendar file could not be read: some of its lines are not in "
            f"calendar format. {_EXPORT_AGAIN}"
        ) from error
    if not isinstance(calendar, Calendar):
        raise TermDatesFileRefused(f"The file holds no calendar. {_NOTHING_IMPORTED}")
    return calendar


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    return str(value).strip()


def calendar_name_of(calendar: Calendar) -> str:
    """The calendar's own name (``X-WR-CALNAME``), else the program that made it."""
    return (_text(calendar, "X-WR-CALNAME") or _text(calendar, "PRODID"))[:255]


def _categories(component) -> list[str]:
    value = component.get("CATEGORIES")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [
        str(category).strip()
        for item in values
        if not isinstance(item, vBroken)
        for category in item.cats
    ]


def _kind(component, title: str) -> str:
    by_name = {}
    for kind in TermDate.Kind:
        by_name[kind.value] = kind
        by_name[kind.label.lower()] = kind
    for category in _categories(component):
        if category.lower() in by_name:
            return by_name[category.lower()]
    lowered = title.lower()
    for kind, words in _KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return TermDate.Kind.EVENT


def _local(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    if value.tzinfo is None:  # a "floating" time: the school's own clock
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def _key(component, *, recurring: bool, start) -> str:
    uid = _text(component, "UID")
    if not uid:
        # No UID: one made from what the event is, so a re-import still matches.
        digest = hashlib.sha256(
            f"{_text(component, 'SUMMARY')}|{start}".encode()
        ).hexdigest()
        return f"no-uid-{digest[:24]}"
    if recurring:
        return f"{uid}/{start.isoformat()}"
    return uid


_WHAT = {
    "DTSTART": "a start",
    "DTEND": "an end",
    "DURATION": "a length",
    "SEQUENCE": "a version number",
    "RRULE": "a repeat rule",
}


def _readable(component, name: str, *, title: str):
    """The property's value, or ``_UnreadableEvent`` naming the event and the field."""
    value = component.get(name)
    if isinstance(value, vBroken):
        shown = str(value)[:40]
        raise _UnreadableEvent(
            f"“{title}” has {_WHAT.get(name, 'a ' + name.lower())} that cannot be "
            f"read (“{shown}”)"
        )
    return value


def _moment(value, *, what: str, title: str):
    """A date or date-time; anything else (a length, a period, a bare time) is not
    a day the school can put in its calendar."""
    if isinstance(value, datetime.date):  # a datetime is a date too
        return value
    raise _UnreadableEvent(f"“{title}” has {what} that is not a date")


def _sequence(component, *, title: str) -> int:
    value = _readable(component, "SEQUENCE", title=title)
    try:
        return int(value) if value is not None else 0
    except (TypeError, ValueError) as error:
        raise _UnreadableEvent(
            f"“{title}” has a version number that cannot be read"
        ) from error


def _occurrence(component, *, order: int, zone, recurring: bool) -> CalendarOccurrence:
    """One event as a term date; ``ValueError`` with the reason if it cannot be."""
    title = _text(component, "SUMMARY") or "Untitled event"
    start_prop = _readable(component, "DTSTART", title=title)
    if start_prop is None:
        raise _UnreadableEvent(f"“{title}” has no start date")
    start = _moment(start_prop.dt, what="a start", title=title)
    end_prop = _readable(component, "DTEND", title=title)
    end = _moment(end_prop.dt, what="an end", title=title) if end_prop else None
    duration = _readable(component, "DURATION", title=title)
    if end is None and duration is not None:
        if not isinstance(duration.dt, datetime.timedelta):
            raise _UnreadableEvent(f"“{title}” has a length that cannot be read")
        end = start + duration.dt
    timed = isinstance(start, datetime.datetime)
    if timed:
        local_start = _local(start, zone)
        local_end = _local(end, zone) if isinstance(end, datetime.datetime) else None
        if local_end is not None and local_end < local_start:
            raise _UnreadableEvent(
                f"“{title}” ends ({local_end:%d %b %Y %H:%M}) before it starts "
                f"({local_start:%d %b %Y %H:%M})"
            )
        starts_on, starts_at = local_start.date(), local_start.time()
        ends_on = ends_at = None
        if local_end is not None and local_end > local_start:
            ends_at = local_end.time()
            if local_end.date() != starts_on:
                ends_on = local_end.date()
    else:
        starts_on, starts_at, ends_at = start, None, None
        end_day = end
        if isinstance(end, datetime.datetime):
            end_day = _local(end, zone).date()
        if end_day is not None and end_day < start:
            raise _UnreadableEvent(
                f"“{title}” ends before it starts ({start:%d %b %Y})"
            )
        # DTEND of an all-day event is exclusive (RFC 5545): the last day is before;
        # an end on the start day itself (some programs write that) is that one day.
        last = max(end_day - datetime.timedelta(days=1), start) if end_day else start
        ends_on = last if last > start else None
    return CalendarOccurrence(
        key=_key(component, recurring=recurring, start=start),
        uid=_text(component, "UID"),
        title=title[:200],
        kind=_kind(component, title),
        details=_text(component, "DESCRIPTION"),
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at_time=starts_at,
        ends_at_time=ends_at,
        sequence=_sequence(component, title=title),
        cancelled=_text(component, "STATUS").upper() == "CANCELLED",
        order=order,
    )


def _expanded(series: list, calendar: Calendar, *, today: datetime.date, skipped):
    """The dates of one repeating event (all its parts share a UID)."""
    title = _text(series[0], "SUMMARY") or "Untitled event"
    try:
        for part in series:
            _readable(part, "RRULE", title=title)
            _readable(part, "DTSTART", title=title)
    except _UnreadableEvent as error:
        skipped.append(f"{error}: none of its dates were imported.")
        return []
    one = Calendar()
    for part in series:
        one.add_component(part)
    for timezone_component in calendar.walk("VTIMEZONE"):
        one.add_component(timezone_component)
    try:
        return list(
            recurring_ical_events.of(one).between(
                today - datetime.timedelta(days=EXPAND_DAYS_BACK),
                today + datetime.timedelta(days=EXPAND_DAYS_AHEAD),
            )
        )
    except Exception:  # noqa: BLE001 (the library raises many kinds on bad rules)
        skipped.append(
            f"The dates of the repeating event “{title}” could not be worked out "
            "from its repeat rule: none of its dates were imported."
        )
        return []


def _occurrences(
    calendar: Calendar, *, today: datetime.date, skipped: list[str]
) -> list[CalendarOccurrence]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    events = list(calendar.walk("VEVENT"))
    recurring_uids = {
        _text(event, "UID")
        for event in events
        if event.get("RRULE") is not None or event.get("RDATE") is not None
    }
    recurring_uids.discard("")
    simple = [event for event in events if _text(event, "UID") not in recurring_uids]
    expanded = []
    for uid in sorted(recurring_uids):
        series = [event for event in events if _text(event, "UID") == uid]
        expanded += _expanded(series, calendar, today=today, skipped=skipped)
    if len(simple) + len(expanded) > MAX_EVENTS:
        raise TermDatesFileRefused(
            f"The file has more than {MAX_EVENTS} dates in the coming two years; "
            "import a calendar of term dates, not a full timetable."
        )
    result: list[CalendarOccurrence] = []
    for order, (component, recurring) in enumerate(
        [(event, False) for event in simple] + [(event, True) for event in expanded]
    ):
        try:
            result.append(
                _occurrence(component, order=order, zone=zone, recurring=recurring)
            )
        except ValueError as error:
            # Ours say what is wrong; the parser's own (a value it could not turn
            # into a date) would quote its internals, so it gets words too.
            reason = (
                str(error)
                if isinstance(error, _UnreadableEvent)
                else f"“{_text(component, 'SUMMARY') or 'Untitled event'}” has "
                "dates that cannot be read"
            )
            skipped.append(f"{reason}: skipped.")
    return result


def _deduplicated(
    occurrences: list[CalendarOccurrence], *, notes: list[str]
) -> list[CalendarOccurrence]:
    """One occurrence per key: the highest SEQUENCE wins, then the later in the file.

    A cancellation (``STATUS:CANCELLED``) with a higher SEQUENCE than the event
    therefore wins over it, and one with a lower SEQUENCE loses.
    """
    chosen: dict[str, CalendarOccurrence] = {}
    for occurrence in occurrences:
        earlier = chosen.get(occurrence.key)
        if earlier is None:
            chosen[occurrence.key] = occurrence
            continue
        notes.append(
            f"“{occurrence.title}” appears more than once with the same calendar id; "
            "the latest version was used."
        )
        if (occurrence.sequence, occurrence.order) > (earlier.sequence, earlier.order):
            chosen[occurrence.key] = occurrence
    return sorted(chosen.values(), key=lambda item: item.order)


def _unread_lines(calendar: Calendar) -> list[str]:
    """The parser leaves out lines it cannot read (``component.errors``): say so."""
    notes = []
    for component in calendar.walk():
        count = len(getattr(component, "errors", []) or [])
        if not count:
            continue
        if component.name == "VEVENT":
            what = f"“{_text(component, 'SUMMARY') or 'Untitled event'}”"
        else:
            what = "The calendar"
        lines = (
            "line that could not be read was"
            if count == 1
            else (f"{count} lines that could not be read were")
        )
        notes.append(
            f"{what}: {'a ' if count == 1 else ''}{lines} left out; check it "
            "after importing."
        )
    return notes


def calendar_file_read(*, content: bytes, today: datetime.date) -> CalendarFile:
    """The dates in an .ics file's bytes, one per key, and what could not be read.

    Raises:
        TermDatesFileRefused: too big, not a calendar, cut short or damaged, or far
            too many dates; ``str()`` says which in words.
    """
    calendar = parse_calendar(content)
    skipped: list[str] = []
    notes: list[str] = _unread_lines(calendar)
    occurrences = _deduplicated(
        _occurrences(calendar, today=today, skipped=skipped), notes=notes
    )
    return CalendarFile(
        calendar_name=calendar_name_of(calendar),
        occurrences=occurrences,
        skipped=skipped,
        notes=notes,
    )
