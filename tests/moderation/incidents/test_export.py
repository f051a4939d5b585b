"""The evidence export (issue part 2): a zip whose manifest verifies, logged when it
finished, and an interrupted export recorded as interrupted, never as exported."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.incidents import audit
from moderation.models import IncidentEvent

from .conftest import add_evidence, jpeg_bytes, png_bytes, report, signed_in


def export_url(incident):
    return reverse("incidents:export", args=[incident.pk])


def kinds(incident) -> list[str]:
    return list(incident.events.values_list("kind", flat=True))


def test_the_export_manifest_verifies_and_the_export_is_logged(editor, senior_leader):
    incident = report(editor)
    first = add_evidence(incident, editor, content=png_bytes("red"))
    second = add_evidence(
        incident, editor, name="later.jpg", content=jpeg_bytes(), corrects=first
    )

    response = signed_in(senior_leader).post(export_url(incident))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folder = f"incident-{incident.pk}"
    rows = list(
        csv.DictReader(io.StringIO(archive.read(f"{folder}/manifest.csv").decode()))
    )
    assert len(rows) == 2
    for row, item in zip(rows, (first, second), strict=True):
        content = archive.read(f"{folder}/{row['file']}")
        assert hashlib.sha256(content).hexdigest() == row["sha256 in this export"]
        assert row["sha256 recorded at upload"] == item.sha256
        assert row["matches"] == "yes"
    sums = archive.read(f"{folder}/SHA256SUMS").decode().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(f"{folder}/{name}")).hexdigest() == digest
    timeline = archive.read(f"{folder}/timeline.csv").decode()
    assert "Reported" in timeline and "Evidence added" in timeline
    assert (
        "A comment calling a teacher names."
        in archive.read(f"{folder}/incident.txt").decode()
    )
    # Logged once finished: on the timeline and in the audit log.
    assert kinds(incident)[-1] == IncidentEvent.Kind.EXPORTED
    assert ModelLogEntry.objects.filter(
        action=audit.EXPORTED, object_id=str(incident.pk), user=senior_leader
    ).exists()


def test_a_changed_file_is_flagged_in_the_manifest(editor, senior_leader):
    incident = report(editor)
    item = add_evidence(incident, editor)
    with open(item.file.path, "ab") as handle:
        handle.write(b"tampered")

    response = signed_in(senior_leader).post(export_url(incident))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [row] = csv.DictReader(
        io.StringIO(archive.read(f"incident-{incident.pk}/manifest.csv").decode())
    )
    assert row["matches"].startswith("NO")


def test_an_export_interrupted_half_way_is_recorded_as_interrupted(
    editor, senior_leader, monkeypatch
):
    incident = report(editor)
    add_evidence(incident, editor, content=png_bytes("red"))
    add_evidence(incident, editor, content=png_bytes("green"))

    response = signed_in(senior_leader).post(export_url(incident))
    pieces = iter(response.streaming_content)
    next(pieces)
    next(pieces)
    # The browser went away: the server closes the response. Closing also ends the
    # request, which would close the database connection this test's transaction
    # lives on, so that one step is skipped here.
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    response.close()

    assert IncidentEvent.Kind.EXPORTED not in kinds(incident)
    interrupted = incident.events.get(kind=IncidentEvent.Kind.EXPORT_INTERRUPTED)
    assert "must not be used" in interrupted.summary
    assert not ModelLogEntry.objects.filter(action=audit.EXPORTED).exists()
    # Its start is in the audit log: part of the evidence may have left the school.
    assert ModelLogEntry.objects.filter(action=audit.EXPORT_STARTED).exists()


def test_an_export_that_fails_on_a_missing_file_is_recorded_as_interrupted(
    editor, senior_leader
):
    incident = report(editor)
    item = add_evidence(incident, editor)
    item.file.storage.delete(item.file.name)

    response = signed_in(senior_leader).post(export_url(incident))
    with pytest.raises(FileNotFoundError):
        b"".join(response.streaming_content)

    assert IncidentEvent.Kind.EXPORTED not in kinds(incident)
    assert "FileNotFoundError" in incident.events.last().summary


def test_exporting_needs_a_fresh_code_and_keeps_the_request(editor, senior_leader):
    incident = report(editor)
    add_evidence(incident, editor)
    client = signed_in(senior_leader, verified_at=time.time() - 3600)

    response = client.post(export_url(incident))

    assert response.status_code == 302
    assert reverse("two_factor:step_up") in response["Location"]
    assert IncidentEvent.Kind.EXPORTED not in kinds(incident)
    assert not ModelLogEntry.objects.filter(action=audit.EXPORT_STARTED).exists()
