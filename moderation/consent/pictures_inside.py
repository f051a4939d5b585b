"""Which documents hold a given photo among their pictures (issue 20, class 2).

Each document keeps a fingerprint of every picture inside it (``embedded_pictures``,
taken on upload by ``cms.document_cleaning``). A picture inside is the photo when
its SHA-256 is the photo's (a JPEG placed whole, as PDF and Office programs do) or
its perceptual hash is near the photo's (``cms.fingerprints.same_picture``, the
same test as for uploads). Used both ways: a document uploaded with a withdrawn or
tagged photo inside (``duplicates``), and a photo withdrawn or tagged after the
document was uploaded (``cascade``, ``duplicates.media_pass_on_to_documents``).
"""

from __future__ import annotations

from wagtail.documents import get_document_model

from cms.fingerprints import same_picture


def is_picture_inside(image, pictures: list[dict]) -> bool:
    """Whether ``image`` is one of ``pictures`` (a document's embedded pictures)."""
    return any(
        (image.sha256 and picture["sha256"] == image.sha256)
        or same_picture(image.perceptual_hash, picture["perceptual_hash"])
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
