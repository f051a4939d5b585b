"""Evidence (issue part 2): kept privately with its hash, never at a public URL, read
only with a fresh code, immutable, and every bad file refused with a clear reason."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.incidents import audit
from moderation.models import EvidenceItem
from moderation.models.incidents import ImmutableRecord

from .conftest import add_evidence, jpeg_bytes, png_bytes, report, signed_in, upload


def add_url(incident):
    return reverse("incidents:evidence_add", args=[incident.pk])


def post_evidence(client, incident, file, *, confirm=True, **extra):
    data = {"file": file, "description": "Screenshot of the comment", **extra}
    if confirm:
        data["no_indecent_images"] = "on"
    return client.post(add_url(incident), data)


def test_the_upload_screen_warns_about_indecent_images(editor):
    incident = report(editor)
    page = signed_in(editor).get(add_url(incident)).content.decode()
    assert "must not" in page or "do not copy" in page
    assert "Contact the police" in page
    assert "I confirm this file contains no indecent image of a child" in page


def test_evidence_is_kept_privately_with_its_hash_and_uploader(editor):
    incident = report(editor)
    content = png_bytes()

    response = post_evidence(signed_in(editor), incident, upload(content=content))

    assert response.status_code == 302
    item = EvidenceItem.objects.get(incident=incident)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert item.uploaded_by == editor
    assert item.file_type == "PNG image"
    stored = Path(item.file.path)
    assert stored.read_bytes() == content
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert media_root not in stored.resolve().parents
    assert "screenshot" not in stored.name  # random name on disk
    timeline = " ".join(incident.events.values_list("summary", flat=True))
    assert item.sha256 in timeline


def test_evidence_has_no_public_address(editor, senior_leader):
    incident = report(editor)
    item = add_evidence(incident, editor)

    with pytest.raises(ValueError):
        item.file.url  # noqa: B018

    anonymous = Client()
    relative = item.file.name
    for path in (
        f"/media/{relative}",
        f"/media/incident-evidence/{relative}",
        f"/{relative}",
        f"/documents/{relative}",
    ):
        assert anonymous.get(path).status_code == 404
    admin_url = reverse("incidents:evidence_open", args=[incident.pk, item.pk])
    response = anonymous.get(admin_url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    # Positive control: a senior leader with a fresh code gets the exact bytes.
    response = signed_in(senior_leader).get(admin_url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == item.sha256
    assert ModelLogEntry.objects.filter(
        action=audit.EVIDENCE_OPENED, object_id=str(incident.pk), user=senior_leader
    ).exists()


def test_opening_evidence_needs_a_fresh_code(editor, senior_leader):
    incident = report(editor)
    item = add_evidence(incident, editor)
    stale = signed_in(senior_leader, verified_at=time.time() - 3600)
    url = reverse("incidents:evidence_open", args=[incident.pk, item.pk])

    response = stale.get(url)

    assert response.status_code == 302
    assert reverse("two_factor:step_up") in response["Location"]
    assert not ModelLogEntry.objects.filter(action=audit.EVIDENCE_OPENED).exists()


def test_evidence_cannot_be_changed_a_correction_is_a_new_item(editor):
    incident = report(editor)
    first = add_evidence(incident, editor)
    first.description = "changed"
    with pytest.raises(ImmutableRecord):
        first.save()

    response = post_evidence(
        signed_in(editor),
        incident,
        upload("better.jpg", jpeg_bytes(), "image/jpeg"),
        corrects=first.pk,
    )

    assert response.status_code == 302
    correction = EvidenceItem.objects.get(corrects=first)
    assert EvidenceItem.objects.filter(incident=incident).count() == 2
    first.refresh_from_db()
    assert first.description == "Screenshot of the comment, taken 9:05"
    assert correction.file_type == "JPEG image"


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            ("virus.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
            "Files ending .exe cannot be kept as evidence",
        ),
        (
            ("screenshot.png", jpeg_bytes(), "image/png"),
            "ends .png but its content is a JPEG image",
        ),
        (
            ("screenshot.png", b"PK\x03\x04" + b"\x00" * 200, "image/png"),
            "not a type that can be kept as evidence",
        ),
        (
            ("notes.txt", b"\xff\xfe\x00\x00binary", "text/plain"),
            "not a type that can be kept as evidence",
        ),
    ],
    ids=["wrong-type", "content-not-matching-extension", "zip-named-png", "binary-txt"],
)
def test_bad_files_are_refused_with_a_reason(editor, file, expected, evidence_dir):
    incident = report(editor)
    name, content, content_type = file
    response = post_evidence(
        signed_in(editor), incident, upload(name, content, content_type)
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not EvidenceItem.objects.exists()
    # Nothing is left on disk either.
    assert not [path for path in evidence_dir.rglob("*") if path.is_file()]


def test_a_file_too_large_is_refused(editor, settings):
    settings.INCIDENT_EVIDENCE_MAX_BYTES = 1000
    incident = report(editor)
    response = post_evidence(
        signed_in(editor),
        incident,
        upload(content=png_bytes(size=(400, 400)) + b"\0" * 2000),
    )
    assert response.status_code == 400
    assert "evidence files may be at most" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_an_upload_without_the_confirmation_is_refused(editor):
    incident = report(editor)
    response = post_evidence(signed_in(editor), incident, upload(), confirm=False)
    assert response.status_code == 400
    assert "contact the police" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_plain_text_is_accepted(editor):
    incident = report(editor)
    response = post_evidence(
        signed_in(editor),
        incident,
        upload(
            "message.txt",
            "Copied message: ‘you will regret this’".encode(),
            "text/plain",
        ),
    )
    assert response.status_code == 302
    assert EvidenceItem.objects.get().file_type == "Plain text"
