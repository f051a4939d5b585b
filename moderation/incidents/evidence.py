"""Checking and storing evidence files (I1).

The type is read from the file's content (its magic bytes, with the ``filetype``
library), never trusted from its name, and the name's extension must agree with it:
a "screenshot.png" that is really a program or a ZIP is refused. Each file is hashed
(SHA-256) as it is stored so that anyone given the export can check nothing changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

#: What evidence may be: screenshots, saved pages as PDF, and plain text (copied
#: messages). Extension(s) accepted for each type read from the content.
ACCEPTED_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/png": ("PNG image", ("png",)),
    "image/jpeg": ("JPEG image", ("jpg", "jpeg")),
    "image/gif": ("GIF image", ("gif",)),
    "image/webp": ("WebP image", ("webp",)),
    "application/pdf": ("PDF document", ("pdf",)),
}
TEXT_TYPE = ("Plain text", ("txt",))
ACCEPTED_EXTENSIONS = sorted(
    {ext for _, exts in ACCEPTED_TYPES.values() for ext in exts} | set(TEXT_TYPE[1])
)
HEAD_BYTES = 8192


class EvidenceRefused(Exception):
    """The file cannot be kept as evidence; the message says why, for the uploader."""


@dataclass(frozen=True)
class CheckedFile:
    file_type: str
    extension: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.INCIDENT_EVIDENCE_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like_text(upload: UploadedFile) -> bool:
    """UTF-8 text with no NUL bytes: a copied message or email saved as .txt."""
    upload.seek(0)
    decoder_input = b"".join(upload.chunks())
    if b"\x00" in decoder_input:
        return False
    try:
        decoder_input.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def evidence_file_check(*, upload: UploadedFile) -> CheckedFile:
    """Check an uploaded file's size, type (by content) and extension; hash it.

    Raises:
        EvidenceRefused: too large, empty, a type not accepted, or a name whose
            extension does not match what the content is.
    """
    if upload.size == 0:
        raise EvidenceRefused("The file is empty.")
    if upload.size > max_bytes():
        raise EvidenceRefused(
            f"The file is {_megabytes(upload.size)}; evidence files may be at most "
            f"{_megabytes(max_bytes())}. Crop the screenshot or save fewer pages."
        )
    extension = _extension(upload.name or "")
    allowed = ", ".join(ext.upper() for ext in ACCEPTED_EXTENSIONS)
    if extension not in ACCEPTED_EXTENSIONS:
        raise EvidenceRefused(
            f"Files ending .{extension or '(nothing)'} cannot be kept as evidence. "
            f"Use a screenshot or file of one of these types: {allowed}."
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(HEAD_BYTES))
    if kind is not None and kind.mime in ACCEPTED_TYPES:
        label, extensions = ACCEPTED_TYPES[kind.mime]
    elif kind is None and _looks_like_text(upload):
        label, extensions = TEXT_TYPE
    else:
        found = f" (it is {kind.mime})" if kind is not None else ""
        raise EvidenceRefused(
            f"The content of this file is not a type that can be kept as "
            f"evidence{found}. Use a screenshot or file of one of these types: "
            f"{allowed}."
        )
    if extension not in extensions:
        raise EvidenceRefused(
            f"The file's name ends .{extension} but its content is a {label} "
            f"(.{extensions[0]}). Check it is the right file, and rename it if so."
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        file_type=label,
        extension=extension,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
