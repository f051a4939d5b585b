"""The evidence export: one zip for the local authority or the police (I1).

The zip holds every evidence file, ``manifest.csv`` (each file's SHA-256 as recorded
at upload and as read now), ``SHA256SUMS`` (for ``sha256sum -c``), the incident
record and its timeline. It is streamed as it is built, so nothing is written to
disk on the server and a large export starts at once.

An export is recorded on the timeline only when the last byte has gone: if the
download stops half-way (the browser is closed, the connection drops, a file cannot
be read) the timeline says the export was interrupted and the partial file must not
be used, never that it was exported. The audit log records that it started either way,
because even part of the evidence has then left the school.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Iterator

from django.utils import timezone
from wagtail.log_actions import log

from moderation.models import EvidenceItem, Incident, IncidentEvent

from . import audit
from .services import incident_record

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


class _Sink:
    """A write-only, unseekable stream that zipfile writes to and we drain."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def export_filename(incident: Incident) -> str:
    return f"incident-{incident.pk}-evidence-{timezone.localdate():%Y-%m-%d}.zip"


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned[:80] or "file"


def _user_name(user) -> str:
    if user is None:
        return "(account removed)"
    return user.get_full_name() or user.get_username()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


def _record_text(incident: Incident) -> str:
    lines = [
        f"{incident}",
        f"Category: {incident.get_category_display()}",
        f"Severity: {incident.get_severity_display()}",
        f"Status: {incident.get_status_display()}",
        f"When it happened: {_local(incident.occurred_at)}",
        f"Where: {incident.get_platform_display()} {incident.account}".rstrip(),
        f"Web address: {incident.url}",
        f"Reported by: {_user_name(incident.reported_by)} at "
        f"{_local(incident.reported_at)}",
        f"Who was involved: {incident.people_involved or '-'}",
        "",
        "What was said or shown, as reported:",
        incident.content_as_reported,
        "",
        "Referrals:",
    ]
    referrals = list(incident.referrals.all())
    lines += [
        f"- {r.get_agency_display()} on {r.referred_on:%Y-%m-%d}, reference "
        f"{r.reference or '-'}"
        for r in referrals
    ] or ["- none"]
    return "\n".join(lines) + "\n"


def _timeline_csv(events: list[IncidentEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when", "what", "by", "details"])
    for event in events:
        writer.writerow(
            [
                _local(event.at),
                event.get_kind_display(),
                _user_name(event.by),
                event.summary,
            ]
        )
    return out.getvalue()


def _manifest_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "file",
            "original name",
            "type",
            "bytes",
            "sha256 recorded at upload",
            "sha256 in this export",
            "matches",
            "uploaded by",
            "uploaded at",
            "description",
            "corrects",
        ]
    )
    writer.writerows(rows)
    return out.getvalue()


def evidence_export_stream(*, incident: Incident, by) -> Iterator[bytes]:
    """Yield the export zip in pieces; record the export when the last piece went.

    The caller (the admin view) checks access and a fresh second-factor code first.
    """
    items = list(incident.evidence.select_related("uploaded_by", "corrects"))
    events = list(incident.events.select_related("by"))
    folder = f"incident-{incident.pk}"
    log(
        instance=incident,
        action=audit.EXPORT_STARTED,
        user=by,
        data={"evidence_items": len(items)},
    )
    sent = 0
    finished = False
    sink = _Sink()
    try:
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{folder}/incident.txt", _record_text(incident))
            archive.writestr(f"{folder}/timeline.csv", _timeline_csv(events))
            yield sink.take()
            rows, sums = [], []
            for number, item in enumerate(items, start=1):
                name = f"evidence/{number:02d}-{_safe_name(item.original_name)}"
                digest = hashlib.sha256()
                with (
                    item.file.storage.open(item.file.name, "rb") as source,
                    archive.open(f"{folder}/{name}", "w") as target,
                ):
                    for chunk in iter(lambda source=source: source.read(CHUNK), b""):
                        digest.update(chunk)
                        target.write(chunk)
                        yield sink.take()
                found = digest.hexdigest()
                rows.append(_manifest_row(item, name=name, found=found))
                sums.append(f"{found}  {name}\n")
                sent += 1
                yield sink.take()
            archive.writestr(f"{folder}/manifest.csv", _manifest_csv(rows))
            archive.writestr(f"{folder}/SHA256SUMS", "".join(sums))
        manifest_hash = hashlib.sha256(_manifest_csv(rows).encode()).hexdigest()
        yield sink.take()
        # Only reached when the server asks for more after the last piece went out.
        finished = True
    except GeneratorExit:
        _record_interrupted(incident, by=by, sent=sent, total=len(items), why="")
        raise
    except Exception as error:
        _record_interrupted(
            incident, by=by, sent=sent, total=len(items), why=type(error).__name__
        )
        logger.exception(
            "Evidence export of %s failed",
            incident,
            extra={"event": "incidents.export_failed", "incident": incident.pk},
        )
        raise
    if finished:
        incident_record(
            incident=incident,
            kind=IncidentEvent.Kind.EXPORTED,
            summary=f"Evidence exported: {len(items)} file(s), the timeline and a "
            f"manifest (manifest SHA-256 {manifest_hash}).",
            by=by,
            action=audit.EXPORTED,
            manifest_sha256=manifest_hash,
        )


def _manifest_row(item: EvidenceItem, *, name: str, found: str) -> list[str]:
    return [
        name,
        item.original_name,
        item.file_type,
        str(item.size),
        item.sha256,
        found,
        "yes" if found == item.sha256 else "NO - the file changed after upload",
        _user_name(item.uploaded_by),
        _local(item.uploaded_at),
        item.description,
        f"item {item.corrects_id}" if item.corrects_id else "",
    ]


def _record_interrupted(incident: Incident, *, by, sent: int, total: int, why: str):
    reason = f" ({why})" if why else ""
    incident_record(
        incident=incident,
        kind=IncidentEvent.Kind.EXPORT_INTERRUPTED,
        summary=f"An evidence export stopped after {sent} of {total} file(s){reason}. "
        "The partial download is incomplete and must not be used.",
        by=by,
        action=audit.EXPORT_INTERRUPTED,
    )
