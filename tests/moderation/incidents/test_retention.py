"""Retention (issue part 7): closed incidents past the period are deleted with their
evidence by the scheduled job, with a record that they were; nothing else is."""

from __future__ import annotations

import datetime
from pathlib import Path

import django_rq
from django.urls import reverse
from django.utils import timezone
from rq import SimpleWorker
from wagtail.models import ModelLogEntry

from moderation.incidents import audit
from moderation.incidents.services import incident_close, incident_legal_hold
from moderation.jobs import incident_retention_check
from moderation.models import (
    EvidenceItem,
    Incident,
    IncidentDeletionRecord,
    IncidentEvent,
)

from .conftest import add_evidence, report, signed_in


def closed(by, *, days_ago: int, **extra):
    incident = report(by, **extra)
    add_evidence(incident, by)
    incident_close(incident=incident, by=by, note="Resolved with the parent.")
    Incident.objects.filter(pk=incident.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    incident.refresh_from_db()
    return incident


def test_retention_deletes_only_what_it_should(
    editor, senior_leader, settings, django_capture_on_commit_callbacks
):
    settings.INCIDENT_RETENTION_DAYS = 365
    expired = closed(editor, days_ago=400)
    expired_file = Path(expired.evidence.get().file.path)
    recent = closed(editor, days_ago=300)
    held = closed(editor, days_ago=400)
    incident_legal_hold(
        incident=held, hold=True, by=senior_leader, reason="Police, ref 12/3456"
    )
    still_open = report(editor, now=timezone.now() - datetime.timedelta(days=800))
    add_evidence(still_open, editor)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = incident_retention_check()

    assert deleted == 1
    assert not Incident.objects.filter(pk=expired.pk).exists()
    assert not IncidentEvent.objects.filter(incident_id=expired.pk).exists()
    assert not EvidenceItem.objects.filter(incident_id=expired.pk).exists()
    assert not expired_file.exists()
    assert set(Incident.objects.values_list("pk", flat=True)) == {
        recent.pk,
        held.pk,
        still_open.pk,
    }
    for incident in (recent, held, still_open):
        assert Path(incident.evidence.get().file.path).exists()
    record = IncidentDeletionRecord.objects.get()
    assert record.incident_number == expired.pk
    assert record.evidence_items == 1
    assert record.category == expired.category
    assert ModelLogEntry.objects.filter(
        action=audit.DELETED, object_id=str(expired.pk)
    ).exists()
    # Running again deletes nothing more.
    assert incident_retention_check() == 0


def test_lifting_a_legal_hold_lets_retention_delete_it(
    editor, senior_leader, settings, django_capture_on_commit_callbacks
):
    settings.INCIDENT_RETENTION_DAYS = 30
    held = closed(editor, days_ago=90)
    client = signed_in(senior_leader)
    client.post(
        reverse("incidents:detail", args=[held.pk]),
        {"action": "hold", "reason": "Local authority review"},
    )
    assert incident_retention_check() == 0

    client.post(reverse("incidents:detail", args=[held.pk]), {"action": "release"})
    with django_capture_on_commit_callbacks(execute=True):
        assert incident_retention_check() == 1
    assert not Incident.objects.filter(pk=held.pk).exists()


def test_the_scheduled_job_runs_on_a_real_worker(
    editor, settings, redis_connection, django_capture_on_commit_callbacks
):
    settings.INCIDENT_RETENTION_DAYS = 30
    expired = closed(editor, days_ago=31)
    queue = django_rq.get_queue("default")
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(incident_retention_check)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    assert not Incident.objects.filter(pk=expired.pk).exists()
    assert IncidentDeletionRecord.objects.filter(incident_number=expired.pk).exists()
