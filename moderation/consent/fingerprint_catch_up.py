"""After an upgrade across migration cms 0013: fingerprint existing pictures again.

Borders are now trimmed before hashing and each picture's hash is kept in all 8
orientations (``cms.fingerprints``), so a mirrored or framed copy of a photo withdrawn
*before* the upgrade is recognised only once that photo's fingerprints are taken the
new way. That needs today's hashing code, which a migration must not import, so
migration cms 0013 only marks the point and this ``post_migrate`` receiver does the
work once every migration has run (as ``upgrade_catch_up.py`` does for moderation
0007). Withdrawn originals are read from the ``withdrawn_media`` storage, where the
withdrawal moved them (first: a later upload may reuse the freed public name); a file
that cannot be read keeps its old fingerprint.
"""

from __future__ import annotations

import logging

from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS
from wagtail.images import get_image_model

from cms.fingerprints import perceptual_hashes_of

from .cascade import WITHDRAWN_MEDIA_STORAGE
from .upgrade_catch_up import applied_forwards, fully_migrated

logger = logging.getLogger(__name__)

CATCH_UP_AFTER = ("cms", "0013_refingerprint_pictures")


def pictures_refingerprint(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Take every picture's perceptual hashes again; returns how many were taken.

    Idempotent: the same file gives the same hashes.
    """
    model = get_image_model()
    withdrawn = storages[WITHDRAWN_MEDIA_STORAGE]
    taken = 0
    for item in model.objects.using(using).exclude(file="").iterator(chunk_size=200):
        hashes: tuple[str, ...] = ()
        # A withdrawn file's name is free again in the public storage, and a later
        # upload may have taken it: read where this item's file should be first.
        places = (item.file.storage, withdrawn)
        for storage in reversed(places) if item.is_withdrawn else places:
            try:
                with storage.open(item.file.name, "rb") as handle:
                    hashes = perceptual_hashes_of(handle)
                break
            except OSError:
                continue
        if hashes:
            model.objects.using(using).filter(pk=item.pk).update(
                perceptual_hash=hashes[0], perceptual_hash_variants=" ".join(hashes[1:])
            )
            taken += 1
    return taken


def after_migrate(sender, plan=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` (sent once per app; connected for moderation's only)."""
    if not applied_forwards(plan, migration=CATCH_UP_AFTER):
        return
    if not fully_migrated(using):
        logger.warning(
            "Picture fingerprints not retaken: not every migration is applied. Run "
            "`manage.py migrate`, then `manage.py refingerprint_pictures`.",
            extra={"event": "fingerprint_catch_up_postponed"},
        )
        return
    taken = pictures_refingerprint(using=using)
    logger.info(
        "Fingerprints of %s picture(s) taken again after migration",
        taken,
        extra={"event": "fingerprint_catch_up"},
    )
