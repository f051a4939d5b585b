"""The nightly statutory-information check: links, deadlines, reminders.

For every school that has chosen its type: each linked item's link is checked and
the result stored; an owner is emailed when a link of theirs stops reaching the
public, and once before each deadline or review date (30 days ahead), through the
one review engine the weekly content review also uses.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from cms.review_reminders import ReviewItem, review_reminders_send

from .checklist import school_checklist
from .link_check import links_check
from .models import StatutorySettings
from .status import GREEN


def _item(row_or_record, *, site, reason: str) -> ReviewItem:
    record = getattr(row_or_record, "record", row_or_record)
    return ReviewItem(
        site=site,
        owner=record.owner,
        title=record.requirement.title,
        admin_path=reverse("cms_statutory_item", args=[record.requirement.key]),
        reason=reason,
    )


def statutory_check(*, today: datetime.date) -> str:
    """Check every school's statutory links and send the reminders due today."""
    broken_items, due_items = [], []
    schools = StatutorySettings.objects.exclude(school_type="").select_related("site")
    for school in schools:
        site = school.site
        checklist = school_checklist(site, today=today)
        linked = [row.record for row in checklist.rows if row.record is not None]
        for record in links_check(linked):
            broken_items.append(_item(record, site=site, reason=record.link_problem))
        for row in checklist.rows:
            record, status = row.record, row.status
            if record is None or status.colour == GREEN or status.due is None:
                continue
            if record.link_problem or record.reminded_for == status.due:
                continue
            due_items.append(_item(row, site=site, reason=status.summary))
            record.reminded_for = status.due
            record.save(update_fields=["reminded_for"])
    broken = review_reminders_send(
        broken_items,
        subject="Statutory information: a link has stopped working",
        introduction="Parents and inspectors can no longer reach these items of the "
        "information the school must publish. Link each to a published page or "
        "document again:",
    )
    due = review_reminders_send(
        due_items,
        subject="Statutory information due soon",
        introduction="These items of the information the school must publish are "
        "due for an update. Update the page or document, then record the review:",
    )
    return (
        f"{len(broken_items)} broken link(s) reported in {broken} email(s); "
        f"{len(due_items)} item(s) due, reminded in {due} email(s)."
    )
