"""Retention: closed incidents are deleted when their period ends (GDPR storage
limitation), unless on legal hold; a record that each was deleted is kept.

The period is ``INCIDENT_RETENTION_DAYS`` after closing. The deletion removes the
incident, its timeline, referrals, takedown details and evidence files; what stays is
an ``IncidentDeletionRecord`` (number, category, dates, how many files) and the audit
log entries, whose title is only the incident's number.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from moderation.models import Incident, IncidentDeletionRecord

from . import audit

logger = logging.getLogger(__name__)


def retention_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.INCIDENT_RETENTION_DAYS)


def incidents_retention_sweep(*, now: datetime.datetime | None = None) -> int:
    """Delete every closed incident whose retention ended and is not on legal hold.

    Returns:
        How many incidents were deleted.
    """
    now = now or timezone.now()
    deleted = 0
    due = Incident.objects.retention_ended(before=now - retention_period())
    for incident_id in list(due.values_list("pk", flat=True)):
        if incident_delete_expired(incident_id=incident_id, now=now):
            deleted += 1
    if deleted:
        logger.info(
            "Retention: %s incident(s) deleted",
            deleted,
            extra={"event": "incidents.retention_deleted", "count": deleted},
        )
    return deleted


def incident_delete_expired(*, incident_id: int, now: datetime.datetime) -> bool:
    """Delete one incident if it is still due (re-checked under a row lock)."""
    files: list[tuple] = []
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .retention_ended(before=now - retention_period())
            .filter(pk=incident_id)
            .first()
        )
        if incident is None:
            return False  # reopened for a legal hold meanwhile, or already gone
        evidence = list(incident.evidence.all())
        files = [(item.file.storage, item.file.name) for item in evidence]
        IncidentDeletionRecord.objects.create(
            incident_number=incident.pk,
            category=incident.category,
            reported_on=timezone.localdate(incident.reported_at),
            closed_on=timezone.localdate(incident.closed_at),
            evidence_items=len(evidence),
            deleted_at=now,
            reason=f"Retention period of {settings.INCIDENT_RETENTION_DAYS} days "
            "after closing ended",
        )
        log(
            instance=incident,
            action=audit.DELETED,
            data={"evidence_items": len(evidence)},
        )
        incident.delete()
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(files))
    return True


def _delete_files(files: list[tuple]) -> None:
    for storage, name in files:
        storage.delete(name)
