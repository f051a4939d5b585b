"""Changes to incidents (I1, I2, M2). Each one adds a line to the timeline and an
entry to Wagtail's audit log, in the same transaction as the change itself."""

from __future__ import annotations

import datetime
import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from moderation.models import (
    EvidenceItem,
    Incident,
    IncidentCategory,
    IncidentEvent,
    Referral,
)
from moderation.roles import HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP

from . import audit, notifications
from .access import SAFEGUARDING_READERS, role_names
from .due import response_due_at
from .evidence import evidence_file_check

logger = logging.getLogger(__name__)

Kind = IncidentEvent.Kind
Status = Incident.Status
SENIOR = (SENIOR_LEADERSHIP, HEADTEACHER)
DSL_AND_HEAD = (SAFEGUARDING, HEADTEACHER)


class IncidentRefused(Exception):
    """A change that the rules do not allow; the message says why, for staff."""


def incident_record(
    *,
    incident: Incident,
    kind: str,
    summary: str,
    by=None,
    action: str = audit.CHANGED,
    at: datetime.datetime | None = None,
    **data,
) -> IncidentEvent:
    """Add one line to the timeline and the matching audit-log entry."""
    event = IncidentEvent.objects.create(
        incident=incident, kind=kind, summary=summary, by=by, at=at or timezone.now()
    )
    log(
        instance=incident,
        action=action,
        user=by,
        data={"kind": kind, "summary": summary, **data},
    )
    return event


def incident_report(
    *,
    reported_by,
    site=None,
    occurred_at: datetime.datetime,
    platform: str,
    url: str,
    content_as_reported: str,
    category: str,
    severity: str,
    account: str = "",
    people_involved: str = "",
    now: datetime.datetime | None = None,
) -> Incident:
    """Record a new incident, set its response-due time (M2) and escalate at once
    where the guidance says so (I2): safeguarding to the DSL and the head, credible
    threats and hate to senior leadership. Every other incident is sent to senior
    leadership to pick up. ``site`` is the school it happened at (the request's).
    """
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            **({"site": site} if site is not None else {}),
            reported_by=reported_by,
            reported_at=now,
            occurred_at=occurred_at,
            platform=platform,
            account=account,
            url=url,
            content_as_reported=content_as_reported,
            people_involved=people_involved,
            category=category,
            severity=severity,
            response_due_at=response_due_at(reported_at=now),
        )
        incident_record(
            incident=incident,
            kind=Kind.REPORTED,
            summary=f"Reported: {incident.get_category_display().lower()}.",
            by=reported_by,
            action=audit.REPORTED,
            at=now,
        )
        if category == IncidentCategory.SAFEGUARDING:
            _escalate(incident, by=reported_by, to_dsl=True, why="was reported", at=now)
        elif category == IncidentCategory.THREAT_OR_HATE:
            _escalate(
                incident, by=reported_by, to_dsl=False, why="was reported", at=now
            )
        else:
            notifications.incident_escalation_send(
                incident=incident, groups=SENIOR, why="was reported"
            )
    logger.info(
        "Incident %s reported",
        incident.pk,
        extra={"event": "incidents.reported", "incident": incident.pk},
    )
    return incident


def _escalate(incident: Incident, *, by, to_dsl: bool, why: str, at, note=""):
    groups = DSL_AND_HEAD if to_dsl else SENIOR
    recipients = notifications.incident_escalation_send(
        incident=incident, groups=groups, why=why
    )
    if to_dsl:
        incident.escalated_to_dsl_at = at
        who = "the designated safeguarding lead and the headteacher"
    else:
        incident.escalated_to_senior_at = at
        who = "senior leadership"
    incident.save(update_fields=["escalated_to_dsl_at", "escalated_to_senior_at"])
    summary = f"Escalated to {who} ({len(recipients)} emailed)."
    if note:
        summary += f" {note}"
    incident_record(
        incident=incident, kind=Kind.ESCALATED, summary=summary, by=by, at=at
    )


def incident_escalate(*, incident: Incident, by, note: str = "") -> Incident:
    """Escalate to senior leadership, or for safeguarding to the DSL and head (I2)."""
    if incident.is_closed:
        raise IncidentRefused("A closed incident cannot be escalated.")
    with transaction.atomic():
        _escalate(
            incident,
            by=by,
            to_dsl=incident.is_safeguarding,
            why="was escalated to you",
            at=timezone.now(),
            note=note,
        )
    return incident


def incident_assign(*, incident: Incident, owner, by) -> Incident:
    """Make ``owner`` responsible; a safeguarding incident only to the DSL or head."""
    if incident.is_safeguarding and not (
        role_names(owner, incident.site_id) & SAFEGUARDING_READERS
    ):
        raise IncidentRefused(
            "A safeguarding concern can only be assigned to the designated "
            "safeguarding lead or the headteacher."
        )
    if not owner.is_active:
        raise IncidentRefused("That member of staff's account is not active.")
    with transaction.atomic():
        incident.owner = owner
        incident.save(update_fields=["owner"])
        incident_record(
            incident=incident,
            kind=Kind.ASSIGNED,
            summary=f"Assigned to {owner.get_full_name() or owner.get_username()}.",
            by=by,
            owner=owner.pk,
        )
        notifications.incident_assigned_send(incident=incident)
    return incident


def incident_take_on(*, incident: Incident, by, note: str = "") -> Incident:
    """Someone has responded and is dealing with it: no longer overdue (M2)."""
    if incident.status != Status.NEW:
        raise IncidentRefused("Only a new incident can be taken on.")
    with transaction.atomic():
        incident.status = Status.IN_HAND
        incident.save(update_fields=["status"])
        incident_record(
            incident=incident,
            kind=Kind.STATUS,
            summary="In hand." + (f" {note}" if note else ""),
            by=by,
        )
    return incident


def incident_refer(
    *,
    incident: Incident,
    agency: str,
    referred_on: datetime.date,
    by,
    reference: str = "",
    note: str = "",
) -> Referral:
    """Record a referral outside the school (local authority / LADO, police,
    platform report) with its date and reference (I2)."""
    if incident.is_closed:
        raise IncidentRefused("Reopening is not possible: record it on a new incident.")
    with transaction.atomic():
        referral = Referral.objects.create(
            incident=incident,
            agency=agency,
            referred_on=referred_on,
            reference=reference,
            note=note,
            recorded_by=by,
        )
        incident.status = Status.REFERRED
        incident.save(update_fields=["status"])
        summary = (
            f"Referred to {referral.get_agency_display()} on {referred_on:%d %B %Y}"
        )
        summary += f", reference {reference}." if reference else "."
        incident_record(incident=incident, kind=Kind.REFERRED, summary=summary, by=by)
    return referral


def incident_note(*, incident: Incident, text: str, by) -> IncidentEvent:
    if not text.strip():
        raise IncidentRefused("Write the note first.")
    return incident_record(incident=incident, kind=Kind.NOTE, summary=text, by=by)


def incident_close(*, incident: Incident, by, note: str) -> Incident:
    """Close it: the retention period starts now (GDPR storage limitation)."""
    if incident.is_closed:
        raise IncidentRefused("The incident is already closed.")
    if not note.strip():
        raise IncidentRefused("Say how it was resolved before closing it.")
    with transaction.atomic():
        incident.status = Status.CLOSED
        incident.closed_at = timezone.now()
        incident.save(update_fields=["status", "closed_at"])
        incident_record(
            incident=incident, kind=Kind.CLOSED, summary=f"Closed: {note}", by=by
        )
    return incident


def incident_legal_hold(
    *, incident: Incident, hold: bool, by, reason: str = ""
) -> Incident:
    """Keep (or stop keeping) an incident beyond its retention period."""
    if hold and not reason.strip():
        raise IncidentRefused(
            "Say why the incident must be kept (e.g. police request)."
        )
    with transaction.atomic():
        incident.legal_hold = hold
        incident.legal_hold_reason = reason if hold else ""
        incident.save(update_fields=["legal_hold", "legal_hold_reason"])
        summary = f"Put on legal hold: {reason}" if hold else "Legal hold lifted."
        incident_record(incident=incident, kind=Kind.LEGAL_HOLD, summary=summary, by=by)
    return incident


def evidence_add(
    *,
    incident: Incident,
    upload: UploadedFile,
    description: str,
    by,
    confirmed_no_indecent_images: bool,
    corrects: EvidenceItem | None = None,
) -> EvidenceItem:
    """Keep a file as evidence: checked by content, hashed, stored privately (I1).

    Raises:
        IncidentRefused: the uploader did not confirm that it contains no indecent
            image of a child, or the incident is closed.
        EvidenceRefused: the file's size or type is not acceptable.
    """
    if not confirmed_no_indecent_images:
        raise IncidentRefused(
            "Confirm that the file contains no indecent image of a child. If it "
            "might, do not upload it: contact the police."
        )
    if incident.is_closed:
        raise IncidentRefused("Evidence cannot be added to a closed incident.")
    if corrects is not None and corrects.incident_id != incident.pk:
        raise IncidentRefused("A correction must be for evidence of this incident.")
    checked = evidence_file_check(upload=upload)
    item = EvidenceItem(
        incident=incident,
        original_name=upload.name[-255:],
        file_type=checked.file_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
        corrects=corrects,
        confirmed_no_indecent_images=True,
    )
    item.file.save(f"evidence.{checked.extension}", upload, save=False)
    try:
        with transaction.atomic():
            item.save()
            summary = (
                f"Evidence added: {item.original_name} ({checked.file_type}, "
                f"SHA-256 {checked.sha256})."
            )
            if corrects is not None:
                summary += f" It corrects evidence item {corrects.pk}, which is kept."
            incident_record(
                incident=incident,
                kind=Kind.EVIDENCE,
                summary=summary,
                by=by,
                action=audit.EVIDENCE_ADDED,
                evidence=item.pk,
                sha256=checked.sha256,
            )
    except BaseException:
        item.file.storage.delete(item.file.name)  # no file without its record
        raise
    return item
