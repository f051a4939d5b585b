"""Import term dates from an iCalendar (.ics) file: the local authority's or our own.

Parsed with the ``icalendar`` library; recurring events are expanded with
``recurring-ical-events`` over a window around today. Every event becomes one
``TermDate`` keyed by its UID (plus the occurrence date for a recurring one), so
importing the same file again updates what changed and duplicates nothing. Our own
feed (``/feeds/term-dates.ics``) imports back onto the same rows.

Whole-file problems (too big, not a calendar) refuse the import and change nothing;
a bad event (ends before it starts, no start) is skipped and named in the report.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import zoneinfo
from dataclasses import dataclass, field

import recurring_ical_events
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from .models import TermDate

# How far back and ahead a repeating event is expanded.
EXPAND_DAYS_BACK = 366
EXPAND_DAYS_AHEAD = 2 * 366
MAX_EVENTS = 2000
MEGABYTE = 1024 * 1024
_OWN_UID = re.compile(r"^term-date-(?P<pk>\d+)@(?P<domain>.+)$")
_KIND_WORDS = (
    (TermDate.Kind.INSET, ("inset", "training day", "staff development")),
    (TermDate.Kind.CLOSURE, ("school closed", "closure", "polling")),
    (TermDate.Kind.HOLIDAY, ("holiday", "half term", "half-term", "bank")),
    (TermDate.Kind.TERM, ("term",)),
)


class TermDatesFileRefused(Exception):
    """The whole file was refused; nothing was imported. ``str()`` says why."""


@dataclass
class ImportReport:
    """What an import did, in words for the member of staff who ran it."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.created)} added",
            f"{len(self.updated)} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts) + "."


@dataclass
class _Occurrence:
    key: str
    title: str
    kind: str
    details: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    starts_at_time: datetime.time | None
    ends_at_time: datetime.time | None
    sequence: int
    order: int

    @property
    def fields(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "details": self.details,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "starts_at_time": self.starts_at_time,
            "ends_at_time": self.ends_at_time,
        }


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


def parse_calendar(content: bytes) -> Calendar:
    """The calendar in ``content``, or ``TermDatesFileRefused`` saying why not."""
    check_size(len(content))
    if b"BEGIN:VCALENDAR" not in content[:2048].upper():
        raise TermDatesFileRefused(
            "This is not a calendar file. Choose an .ics file exported from a "
            "calendar (it starts with BEGIN:VCALENDAR)."
        )
    try:
        calendar = Calendar.from_ical(content)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise TermDatesFileRefused(
            f"The calendar file could not be read ({error}). Nothing was imported."
        ) from error
    if not isinstance(calendar, Calendar):
        raise TermDatesFileRefused("The file holds no calendar. Nothing was imported.")
    return calendar


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    return str(value).strip()


def _categories(component) -> list[str]:
    value = component.get("CATEGORIES")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(cat).strip() for item in values for cat in item.cats]


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


def _occurrence(component, *, order: int, zone, recurring: bool) -> _Occurrence:
    """One event as a term date; ``ValueError`` with the reason if it cannot be."""
    title = _text(component, "SUMMARY") or "Untitled event"
    start_prop = component.get("DTSTART")
    if start_prop is None:
        raise ValueError(f"“{title}” has no start date")
    start = start_prop.dt
    end_prop = component.get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    if end is None and component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    timed = isinstance(start, datetime.datetime)
    if timed:
        local_start = _local(start, zone)
        local_end = _local(end, zone) if isinstance(end, datetime.datetime) else None
        if local_end is not None and local_end < local_start:
            raise ValueError(
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
        # DTEND of an all-day event is exclusive (RFC 5545): the last day is before.
        last = (end - datetime.timedelta(days=1)) if end is not None else start
        if isinstance(last, datetime.datetime):
            last = _local(last, zone).date()
        if end is not None and last < start:
            raise ValueError(f"“{title}” ends before it starts ({start:%d %b %Y})")
        ends_on = last if last > start else None
    sequence = component.get("SEQUENCE")
    return _Occurrence(
        key=_key(component, recurring=recurring, start=start),
        title=title[:200],
        kind=_kind(component, title),
        details=_text(component, "DESCRIPTION"),
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at_time=starts_at,
        ends_at_time=ends_at,
        sequence=int(sequence) if sequence is not None else 0,
        order=order,
    )


def _occurrences(
    calendar: Calendar, *, today: datetime.date, report: ImportReport
) -> list[_Occurrence]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    events = list(calendar.walk("VEVENT"))
    recurring_uids = {
        _text(event, "UID")
        for event in events
        if event.get("RRULE") is not None or event.get("RDATE") is not None
    }
    simple = [
        event
        for event in events
        if _text(event, "UID") not in recurring_uids or not _text(event, "UID")
    ]
    expanded = []
    if recurring_uids:
        series = Calendar()
        for event in events:
            if _text(event, "UID") in recurring_uids:
                series.add_component(event)
        for timezone_component in calendar.walk("VTIMEZONE"):
            series.add_component(timezone_component)
        query = recurring_ical_events.of(series)
        try:
            expanded = list(
                query.between(
                    today - datetime.timedelta(days=EXPAND_DAYS_BACK),
                    today + datetime.timedelta(days=EXPAND_DAYS_AHEAD),
                )
            )
        except Exception as error:  # noqa: BLE001 (the library raises many kinds)
            report.skipped.append(
                f"A repeating event could not be expanded ({error}); its dates were "
                "not imported."
            )
    if len(simple) + len(expanded) > MAX_EVENTS:
        raise TermDatesFileRefused(
            f"The file has more than {MAX_EVENTS} dates in the coming two years; "
            "import a calendar of term dates, not a full timetable."
        )
    result: list[_Occurrence] = []
    for order, (component, recurring) in enumerate(
        [(event, False) for event in simple] + [(event, True) for event in expanded]
    ):
        try:
            result.append(
                _occurrence(component, order=order, zone=zone, recurring=recurring)
            )
        except ValueError as error:
            report.skipped.append(f"{error}: skipped.")
    return result


def _deduplicated(
    occurrences: list[_Occurrence], *, report: ImportReport
) -> list[_Occurrence]:
    """One occurrence per key: the highest SEQUENCE wins, then the later in the file."""
    chosen: dict[str, _Occurrence] = {}
    for occurrence in occurrences:
        earlier = chosen.get(occurrence.key)
        if earlier is None:
            chosen[occurrence.key] = occurrence
            continue
        report.notes.append(
            f"“{occurrence.title}” appears more than once with the same calendar id; "
            "the latest version was kept."
        )
        if (occurrence.sequence, occurrence.order) > (earlier.sequence, earlier.order):
            chosen[occurrence.key] = occurrence
    return sorted(chosen.values(), key=lambda item: item.order)


def _existing(key: str, *, uid_domain: str) -> TermDate | None:
    found = TermDate.objects.filter(uid=key).first()
    if found is not None:
        return found
    own = _OWN_UID.match(key)
    if own and own.group("domain") == uid_domain:
        # Our own feed's id for a date typed into the admin: the same row.
        return TermDate.objects.filter(pk=int(own.group("pk")), uid="").first()
    return None


def _overlap_notes(imported: list[TermDate]) -> list[str]:
    closed = sorted(
        (item for item in imported if item.closes_school), key=lambda d: d.starts_on
    )
    notes = []
    for first, second in zip(closed, closed[1:], strict=False):
        if second.starts_on <= first.last_day:
            notes.append(
                f"“{first.title}” and “{second.title}” overlap; both were kept."
            )
    return notes


def term_dates_import(
    *, content: bytes, uid_domain: str, today: datetime.date | None = None
) -> ImportReport:
    """Create or update term dates from an .ics file's bytes, in one transaction.

    Args:
        content: the file as uploaded.
        uid_domain: this site's host name, so our own feed's ids are recognised.
        today: the middle of the window repeating events are expanded over.

    Raises:
        TermDatesFileRefused: too big, not a calendar, or far too many dates.
    """
    report = ImportReport()
    calendar = parse_calendar(content)
    occurrences = _deduplicated(
        _occurrences(calendar, today=today or timezone.localdate(), report=report),
        report=report,
    )
    imported = []
    with transaction.atomic():
        for occurrence in occurrences:
            term_date = _existing(occurrence.key, uid_domain=uid_domain)
            if term_date is None:
                term_date = TermDate(uid=occurrence.key, **occurrence.fields)
                term_date.save()
                report.created.append(str(term_date))
            else:
                changed = {
                    name: value
                    for name, value in occurrence.fields.items()
                    if getattr(term_date, name) != value
                }
                if changed or term_date.uid != occurrence.key:
                    for name, value in changed.items():
                        setattr(term_date, name, value)
                    term_date.uid = occurrence.key
                    term_date.save()
                if changed:
                    report.updated.append(str(term_date))
                else:
                    report.unchanged += 1
            imported.append(term_date)
    report.notes.extend(_overlap_notes(imported))
    return report
