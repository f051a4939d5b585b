"""One school's statutory checklist: every item that applies, with its status.

The admin screen, the dashboard, the exports, the public page and the nightly job
all read it from here, so they can never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .link_check import link_problem
from .models import StatutoryRecord, StatutoryRequirement, StatutorySettings
from .status import AMBER, GREEN, RED, ItemStatus, item_status


@dataclass(frozen=True)
class ChecklistRow:
    requirement: StatutoryRequirement
    record: StatutoryRecord | None
    status: ItemStatus

    @property
    def owner(self):
        return self.record.owner if self.record else None


@dataclass(frozen=True)
class Checklist:
    settings: StatutorySettings
    rows: list[ChecklistRow]
    #: Records kept for items that no longer apply: a retired item, or one for
    #: another type of school (the school's type changed after they were recorded).
    no_longer_required: list[StatutoryRecord]

    def count(self, colour: str) -> int:
        return sum(1 for row in self.rows if row.status.colour == colour)

    @property
    def counts(self) -> dict[str, int]:
        return {colour: self.count(colour) for colour in (GREEN, AMBER, RED)}

    def needing_attention(self) -> list[ChecklistRow]:
        return [row for row in self.rows if row.status.colour != GREEN]


def school_records(site) -> dict[int, StatutoryRecord]:
    return {
        record.requirement_id: record
        for record in StatutoryRecord.objects.filter(site=site).select_related(
            "site__root_page", "requirement", "page", "document", "owner"
        )
    }


def school_checklist(site, *, today: datetime.date) -> Checklist:
    """Every item that applies to ``site``'s type of school, in the list's order."""
    settings = StatutorySettings.for_site(site)
    records = school_records(site)
    applicable = settings.applicable(StatutoryRequirement.objects.all())
    rows = []
    for requirement in applicable:
        record = records.pop(requirement.pk, None)
        problem = link_problem(record) if record is not None else ""
        status = item_status(requirement, record, today=today, problem=problem)
        rows.append(ChecklistRow(requirement, record, status))
    return Checklist(
        settings=settings,
        rows=rows,
        no_longer_required=sorted(
            records.values(), key=lambda record: record.requirement.position
        ),
    )
