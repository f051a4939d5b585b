"""Which documents hold a given photo among their pictures (issue 20, class 2).

Each document keeps a fingerprint of every picture inside it (``embedded_pictures``,
taken on upload by ``cms.document_cleaning``). A picture inside is the photo when
its SHA-256 is the photo's (a JPEG placed whole, as PDF and Office programs do) or
its perceptual hash is near the photo's in any of its orientations
(``cms.fingerprints.picture_likeness``, the same test as for uploads: a mirrored,
turned or framed copy placed in a document is the photo too). Used both ways: a
document uploaded with a withdrawn or tagged photo inside (``duplicates``), and a
photo withdrawn or tagged after the document was uploaded (``cascade``,
``duplicates.media_pass_on_to_documents``).
"""

from __future__ import annotations

from wagtail.documents import get_document_model

from cms.fingerprints import Likeness, picture_likeness


def is_picture_inside(image, pictures: list[dict]) -> bool:
    """Whether ``image`` is one of ``pictures`` (a document's embedded pictures)."""
    hashes = [value for value in image.perceptual_hashes if value]
    return any(
        (image.sha256 and picture["sha256"] == image.sha256)
        or picture_likeness(hashes, picture["perceptual_hash"]) is Likeness.SAME
        for picture in pictures
    )


def documents_containing(image) -> list:
    """Every document with ``image`` among its pictures (one query, compared here)."""
    if not image.sha256 and not image.perceptual_hash:
        return []
    candidates = (
        get_document_model()
        .objects.exclude(embedded_pictures=[])
        .only("pk", "title", "embedded_pictures", "consent_withdrawn_at")
    )
    return [
        document
        for document in candidates
        if is_picture_inside(image, document.embedded_pictures)
    ]
