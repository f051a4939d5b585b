"""What a document carries besides its visible text, and why one may be refused.

Shared by the readers of each format (``pdf_cleaning``, ``office_cleaning``) and
the dispatcher (``document_cleaning``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from PIL import Image

from .fingerprints import perceptual_hash_of, sha256_of

#: Pictures this small on either side are rules, bullets and icons, not photos of
#: anyone: they are not fingerprinted.
SMALLEST_PICTURE_SIDE = 32

SAVE_AS_PDF = "Open it, save it as a PDF and upload that instead."


class DocumentNotCleanable(Exception):
    """The file cannot be published; ``reason`` says why in the school's words."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class DocumentContents:
    """What a document carries besides its visible text."""

    hidden_properties: list[str] = field(default_factory=list)
    pictures: list[dict] = field(default_factory=list)  # sha256, perceptual_hash
    problem: str = ""  # why it cannot be published; "" when it can be cleaned


def picture_fingerprint(raw: bytes, picture: Image.Image | None = None) -> dict | None:
    """The fingerprints of one embedded picture, or None for a tiny one.

    Args:
        raw: the picture's bytes as stored in the document (a JPEG inside a PDF is
            stored whole, so the very same file is recognised by its SHA-256).
        picture: the decoded picture when ``raw`` is not an image file on its own
            (a PDF's raw pixel stream); otherwise ``raw`` is opened.

    Raises:
        DocumentNotCleanable: the picture cannot be decoded, so nobody can say who
            is in it.
    """
    try:
        if picture is None:
            picture = Image.open(BytesIO(raw))
            picture.load()
        if min(picture.size) < SMALLEST_PICTURE_SIDE:
            return None
        png = BytesIO()
        picture.convert("RGB").save(png, "PNG")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise DocumentNotCleanable(
            "It contains a picture in a form the website cannot check (for example "
            f"a drawing, video or sound). {SAVE_AS_PDF}"
        ) from error
    return {
        "sha256": sha256_of(BytesIO(raw)),
        "perceptual_hash": perceptual_hash_of(png),
    }
