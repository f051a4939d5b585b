"""Import term dates from a calendar file: plan what changes, show it, then apply it.

An import from a source (the council's calendar, the school's own) *syncs* that
source's dates rather than adding to them:

- an event already imported (same UID) is updated in place;
- a repeating event that moved (a weekly club from Thursdays to Fridays, same UID)
  replaces its old dates; it does not sit beside them;
- an event marked ``STATUS:CANCELLED`` (with a higher ``SEQUENCE`` than any other
  version in the file) is removed, whatever its date;
- a date of this source that is no longer in the file is removed, unless it is over
  (past dates stay as a record: a council's new-year file leaves out last year).

Dates typed in by hand have no source and are never removed by an import (our own
feed's ids for them update them in place). Dates imported before sources were
recorded have a UID but no source: a file holding their UID updates or replaces
them, and the preview lists the others rather than guessing they belong here.

``term_dates_plan`` changes nothing; ``term_dates_plan_apply`` applies a plan in one
transaction. Holiday notices follow their holiday (``publishing`` listens to the
saves and deletes): the plan says what will happen to each.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from .calendar_file import CalendarFile, CalendarOccurrence, calendar_file_read
from .calendar_sources import CalendarSource
from .models import NoticePage, TermDate

#: True while an import applies its dates. What announces each saved date to
#: families (email and push updates) waits instead for ``term_dates_imported``:
#: a year's calendar is one message, not one per date.
term_dates_importing: ContextVar[bool] = ContextVar(
    "term_dates_importing", default=False
)
#: Sent once an import has applied, inside its transaction: ``site``, ``dates``
#: (the term dates it added or changed, as saved).
term_dates_imported = Signal()

IMPORTED = "cms.term_dates_imported"
LOG_ACTIONS = {
    IMPORTED: ("Term dates imported", "Imported term dates from a calendar file"),
}
_OWN_UID = re.compile(r"^term-date-(?P<pk>\d+)@(?P<domain>.+)$")


def when_text(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    starts_at_time: datetime.time | None,
    ends_at_time: datetime.time | None,
    **_ignored,
) -> str:
    """A date or span as people write it: "Fri 4 Dec 2026, 15:30–16:30"."""

    def day(value: datetime.date) -> str:
        return f"{value:%a} {value.day} {value:%b %Y}"

    text = day(starts_on)
    if ends_on and ends_on != starts_on:
        text += f" – {day(ends_on)}"
    if starts_at_time:
        text += f", {starts_at_time:%H:%M}"
        if ends_at_time:
            text += f"–{ends_at_time:%H:%M}"
    return text


def _dates(values: dict) -> dict:
    return {
        name: values[name]
        for name in ("starts_on", "ends_on", "starts_at_time", "ends_at_time")
    }


@dataclass(frozen=True)
class PlannedChange:
    """An imported date that the file changes: what it was and what it becomes."""

    term_date: TermDate
    occurrence: CalendarOccurrence
    differences: tuple[str, ...]  # in words: "moves to Fri 4 Dec 2026 (was …)"

    @property
    def moves(self) -> bool:
        return _dates(self.occurrence.fields) != _dates(vars(self.term_date))


@dataclass(frozen=True)
class PlannedRemoval:
    term_date: TermDate
    reason: str


@dataclass(frozen=True)
class NoticeEffect:
    """What an import does to one holiday notice: before (preview) and after."""

    planned: str
    done: str


@dataclass
class ImportPlan:
    """What importing a file would do, in words for the member of staff, and how."""

    site: Site
    source: CalendarSource | None  # None: a new source called ``source_name``
    source_name: str
    calendar_name: str
    additions: list[CalendarOccurrence] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    removals: list[PlannedRemoval] = field(default_factory=list)
    unchanged: list[TermDate] = field(default_factory=list)
    # Our own feed's ids for dates typed in by hand: updated, never taken over.
    hand_typed: set[int] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notice_effects: list[NoticeEffect] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.additions or self.changes or self.removals)

    def summary(self) -> str:
        parts = [
            f"{len(self.additions)} added",
            f"{len(self.changes)} updated",
            f"{len(self.removals)} removed",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts) + "."

    def fingerprint(self) -> str:
        """Identifies exactly what would change, so a confirmation applies only the
        plan that was shown (another import in between changes the fingerprint)."""
        data = {
            "source": self.source.pk if self.source else self.source_name,
            "add": [[o.key, _plain(o.fields)] for o in self.additions],
            "change": [
                [
                    c.term_date.pk,
                    c.occurrence.key,
                    _plain(c.occurrence.fields),
                    list(c.differences),
                ]
                for c in self.changes
            ],
            "remove": [r.term_date.pk for r in self.removals],
        }
        encoded = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def _plain(fields: dict) -> dict:
    return {name: str(value) for name, value in fields.items()}


def _differences(term_date: TermDate, occurrence: CalendarOccurrence) -> list[str]:
    new = occurrence.fields
    words = []
    if _dates(new) != _dates(vars(term_date)):
        words.append(
            f"moves to {when_text(**new)} (was {when_text(**vars(term_date))})"
        )
    if term_date.title != new["title"]:
        words.append(f"renamed “{new['title']}” (was “{term_date.title}”)")
    if term_date.kind != new["kind"]:
        words.append(
            f"becomes {TermDate.Kind(new['kind']).label} "
            f"(was {term_date.get_kind_display()})"
        )
    if term_date.details != new["details"]:
        words.append("new details")
    return words


def _existing(key: str, *, site: Site, uid_domain: str) -> tuple[TermDate | None, bool]:
    """The date of ``site`` that ``key`` lands on, and whether it was typed in by hand.

    UIDs are matched within the school: two schools importing the same local
    authority calendar each keep their own copy of every date.
    """
    dates = TermDate.objects.filter(site=site)
    found = dates.filter(uid=key).first()
    if found is not None:
        return found, False
    own = _OWN_UID.match(key)
    if own and own.group("domain") == uid_domain:
        # Our own feed's id for a date typed into the admin: the same row.
        typed = dates.filter(pk=int(own.group("pk")), uid="").first()
        return typed, typed is not None
    return None, False


def _source_for(
    *,
    site: Site,
    calendar_name: str,
    file_name: str,
    chosen: CalendarSource | None,
    new_source: bool,
    new_source_name: str,
) -> tuple[CalendarSource | None, str]:
    if chosen is not None:
        return chosen, chosen.name
    base_name = new_source_name or calendar_name or file_name or "Imported calendar"
    if not new_source and calendar_name:
        # Two sources may share the file's name (a new year's file kept apart):
        # the one imported last is the one being updated.
        known = (
            CalendarSource.objects.filter(site=site, calendar_name=calendar_name)
            .order_by(F("last_imported_at").desc(nulls_last=True), "-pk")
            .first()
        )
        if known is not None:
            return known, known.name
    name, number = base_name[:240], 2
    while CalendarSource.objects.filter(site=site, name=name).exists():
        name, number = f"{base_name[:240]} ({number})", number + 1
    return None, name


def _of_series(term_date: TermDate, uids: frozenset[str]) -> bool:
    """True when ``term_date`` is the event with one of ``uids`` or one date of its
    series (keyed ``UID/start``)."""
    return term_date.uid in uids or term_date.uid.rpartition("/")[0] in uids


def _removals(
    plan: ImportPlan,
    *,
    calendar_file: CalendarFile,
    kept_pks: set[int],
    cancelled: dict[int, CalendarOccurrence],
    today: datetime.date,
) -> None:
    for pk, occurrence in cancelled.items():
        term_date = TermDate.objects.get(pk=pk)
        plan.removals.append(
            PlannedRemoval(term_date, f"cancelled in the calendar ({occurrence.title})")
        )
    gone = set(cancelled) | kept_pks
    ours = Q(source__isnull=True, uid__gt="")  # imported before sources were kept
    if plan.source is not None:
        ours |= Q(source=plan.source)
    not_over = Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
    # Compared here, not in SQL: a file may hold hundreds of UIDs.
    dates = TermDate.objects.filter(site=plan.site)
    candidates = (
        dates.filter(ours, not_over)
        .exclude(uid="")
        .exclude(pk__in=gone)
        .order_by("starts_on")
    )
    moved = [item for item in candidates if _of_series(item, calendar_file.uids)]
    for term_date in moved:
        plan.removals.append(
            PlannedRemoval(term_date, "the event is now on other dates in the file")
        )
        gone.add(term_date.pk)
    if plan.source is not None:
        dropped = (
            dates.filter(not_over, source=plan.source)
            .exclude(pk__in=gone)
            .order_by("starts_on")
        )
        for term_date in dropped:
            plan.removals.append(
                PlannedRemoval(term_date, "no longer in this calendar")
            )
            gone.add(term_date.pk)
    earlier = (
        dates.filter(not_over, source__isnull=True, uid__gt="")
        .exclude(pk__in=gone)
        .order_by("starts_on")
    )
    if earlier.exists():
        names = "; ".join(str(term_date) for term_date in earlier[:10])
        plan.notes.append(
            f"{earlier.count()} date(s) imported before calendars were named are not "
            f"in this file and are kept ({names}). Delete them by hand if they came "
            "from this calendar."
        )


def _notice_state(notice: NoticePage) -> str:
    if notice.live:
        return "on the website now"
    approved = notice.revisions.exclude(approved_go_live_at=None).first()
    if approved is not None:
        when = timezone.localtime(approved.approved_go_live_at)
        return f"approved, goes live on {when:%a} {when.day} {when:%b} at {when:%H:%M}"
    if notice.workflow_in_progress:
        return "waiting for approval"
    return "a draft"


def _notice_effects(plan: ImportPlan, *, today: datetime.date) -> None:
    """What the plan does to holiday notices already drafted, approved or live.

    ``publishing.services.holiday_notices`` makes them follow their holiday: a
    removed holiday (or one that is no longer a holiday) withdraws its notice; new
    dates move it, and new words (a new name, another first day back) take it down
    and send it for approval again. Past holidays are left alone there too.
    """
    affected: list[tuple[TermDate, str]] = []
    for removal in plan.removals:
        affected.append((removal.term_date, "withdraw"))
    for change in plan.changes:
        new = change.occurrence
        if new.kind != TermDate.Kind.HOLIDAY:
            affected.append((change.term_date, "withdraw"))
        elif change.moves or change.term_date.title != new.title:
            affected.append((change.term_date, "follow"))
    for term_date, effect in affected:
        if term_date.last_day < today:
            continue
        for notice in NoticePage.objects.filter(holiday=term_date):
            state = _notice_state(notice)
            named = f"The holiday notice “{notice.title}”"
            if effect == "withdraw":
                plan.notice_effects.append(
                    NoticeEffect(
                        planned=f"{named} ({state}) will be withdrawn with "
                        f"“{term_date.title}”: it is taken off the website and the "
                        "social accounts and will not go live.",
                        done=f"{named} was withdrawn with “{term_date.title}”: it "
                        "is off the website and the social accounts and will not go "
                        "live.",
                    )
                )
            else:
                plan.notice_effects.append(
                    NoticeEffect(
                        planned=f"{named} ({state}) moves with “{term_date.title}” "
                        "to its new dates; if its words change (the holiday's name "
                        "or the first day back), it is taken down and sent for "
                        "approval again.",
                        done=f"{named} moved with “{term_date.title}” to its new "
                        "dates; if its words changed, it was taken down and sent "
                        "for approval again (the approvers were emailed).",
                    )
                )


def term_dates_plan(
    *,
    content: bytes,
    site: Site,
    uid_domain: str,
    today: datetime.date | None = None,
    source: CalendarSource | None = None,
    new_source: bool = False,
    new_source_name: str = "",
    file_name: str = "",
) -> ImportPlan:
    """What importing ``content`` would add, change and remove. Changes nothing.

    Args:
        content: the file as uploaded.
        site: the school importing it; sources and uploads belong to one school.
        uid_domain: this site's host name, so our own feed's ids are recognised.
        today: the middle of the window repeating events are expanded over, and
            the day before which dates are over (never removed as missing).
        source: the calendar staff say the file is from; None to recognise it by
            the name in the file (or start a new source).
        new_source: start a new source even if the file's name is known.
        new_source_name: what to call a new source (default: the file's name).
        file_name: names a new source when the file does not name itself.

    Raises:
        TermDatesFileRefused: too big, not a calendar, cut short or damaged.
    """
    today = today or timezone.localdate()
    calendar_file = calendar_file_read(content=content, today=today)
    chosen, source_name = _source_for(
        site=site,
        calendar_name=calendar_file.calendar_name,
        file_name=file_name,
        chosen=source,
        new_source=new_source,
        new_source_name=new_source_name,
    )
    plan = ImportPlan(
        site=site,
        source=chosen,
        source_name=source_name,
        calendar_name=calendar_file.calendar_name,
        skipped=list(calendar_file.skipped),
        notes=list(calendar_file.notes),
    )
    kept_pks: set[int] = set()
    cancelled: dict[int, CalendarOccurrence] = {}
    for occurrence in calendar_file.occurrences:
        term_date, typed = _existing(occurrence.key, site=site, uid_domain=uid_domain)
        if occurrence.cancelled:
            if term_date is not None and not typed:
                cancelled[term_date.pk] = occurrence
            elif typed:
                plan.notes.append(
                    f"“{term_date.title}” is marked cancelled in the file but was "
                    "typed in here by hand, so it is kept; delete it by hand if it "
                    "is cancelled."
                )
            else:
                plan.notes.append(
                    f"“{occurrence.title}” ({when_text(**occurrence.fields)}) is "
                    "marked cancelled in the file and is not in the term dates."
                )
            continue
        if term_date is None:
            plan.additions.append(occurrence)
            continue
        kept_pks.add(term_date.pk)
        if typed:
            plan.hand_typed.add(term_date.pk)
        differences = _differences(term_date, occurrence)
        if differences:
            plan.changes.append(
                PlannedChange(term_date, occurrence, tuple(differences))
            )
        else:
            plan.unchanged.append(term_date)
    _removals(
        plan,
        calendar_file=calendar_file,
        kept_pks=kept_pks,
        cancelled=cancelled,
        today=today,
    )
    _notice_effects(plan, today=today)
    plan.notes.extend(_overlap_notes(plan))
    return plan


def _overlap_notes(plan: ImportPlan) -> list[str]:
    closed = sorted(
        (
            TermDate(**occurrence.fields)
            for occurrence in [*plan.additions, *(c.occurrence for c in plan.changes)]
        ),
        key=lambda d: d.starts_on,
    )
    closed = [item for item in closed if item.closes_school]
    closed += [item for item in plan.unchanged if item.closes_school]
    closed.sort(key=lambda d: d.starts_on)
    notes = []
    for first, second in zip(closed, closed[1:], strict=False):
        if second.starts_on <= first.last_day:
            notes.append(
                f"“{first.title}” and “{second.title}” overlap; both were kept."
            )
    return notes


def term_dates_plan_apply(*, plan: ImportPlan, user=None) -> CalendarSource:
    """Apply ``plan`` in one transaction and record it in the audit log.

    Holiday notices follow their holidays through the save and delete signals, in
    the same transaction. Returns the source, created when the plan names a new one.
    """
    now = timezone.now()
    with transaction.atomic():
        source = plan.source
        if source is None:
            source = CalendarSource.objects.create(
                site=plan.site, name=plan.source_name, calendar_name=plan.calendar_name
            )
        importing = term_dates_importing.set(True)
        try:
            saved = _dates_save(plan=plan, source=source)
        finally:
            term_dates_importing.reset(importing)
        term_dates_imported.send(sender=TermDate, site=plan.site, dates=saved)
        for term_date in plan.unchanged:
            if _adopt(term_date, source=source, plan=plan):
                TermDate.objects.filter(pk=term_date.pk).update(source=source)
        source.last_imported_at = now
        if plan.calendar_name and not source.calendar_name:
            source.calendar_name = plan.calendar_name
        source.save(update_fields=["last_imported_at", "calendar_name"])
        log(
            instance=source,
            action=IMPORTED,
            user=user,
            data={
                "summary": plan.summary(),
                "added": [str(TermDate(**o.fields)) for o in plan.additions],
                "changed": [
                    f"{c.term_date}: {'; '.join(c.differences)}" for c in plan.changes
                ],
                "removed": [f"{r.term_date}: {r.reason}" for r in plan.removals],
            },
        )
    return source


def _dates_save(*, plan: ImportPlan, source: CalendarSource) -> list[TermDate]:
    """Remove, add and change the plan's dates; return those added or changed."""
    for removal in plan.removals:
        removal.term_date.delete()  # its holiday notice is withdrawn (signal)
    saved = [
        TermDate.objects.create(
            site=plan.site, uid=occurrence.key, source=source, **occurrence.fields
        )
        for occurrence in plan.additions
    ]
    for change in plan.changes:
        term_date = change.term_date
        for name, value in change.occurrence.fields.items():
            setattr(term_date, name, value)
        _adopt(term_date, source=source, plan=plan)
        term_date.save()  # its holiday notice follows (signal)
        saved.append(term_date)
    return saved


def _adopt(term_date: TermDate, *, source: CalendarSource, plan: ImportPlan) -> bool:
    """A date imported before sources were kept joins this one (not one typed in)."""
    if term_date.pk in plan.hand_typed or term_date.source_id is not None:
        return False
    term_date.source = source
    return True


def term_dates_import(
    *,
    content: bytes,
    uid_domain: str,
    today: datetime.date | None = None,
    site: Site | None = None,
    user=None,
) -> ImportPlan:
    """Plan and apply at once (the command without ``--dry-run``, and tests).

    Raises:
        TermDatesFileRefused: too big, not a calendar, cut short or damaged.
    """
    plan = term_dates_plan(
        content=content,
        site=site or Site.objects.get(is_default_site=True),
        uid_domain=uid_domain,
        today=today,
    )
    term_dates_plan_apply(plan=plan, user=user)
    return plan
