"""Existing pictures: fingerprints taken again the new way (borders trimmed, and the
hash of the picture mirrored and turned), so a mirrored or framed copy of a picture
withdrawn before this release is recognised too.

Withdrawn originals live in the ``withdrawn_media`` storage (moderation moved them
there); they are read from it. A file that cannot be read keeps its old fingerprint.
"""

from django.core.files.storage import storages
from django.db import migrations


def refingerprint(apps, schema_editor):
    from cms.fingerprints import perceptual_hashes_of

    model = apps.get_model("cms", "SchoolImage")
    for item in model.objects.exclude(file="").iterator(chunk_size=200):
        hashes = ()
        for storage in (item.file.storage, storages["withdrawn_media"]):
            try:
                with storage.open(item.file.name, "rb") as handle:
                    hashes = perceptual_hashes_of(handle)
                break
            except OSError:
                continue
        if hashes:
            item.perceptual_hash = hashes[0]
            item.perceptual_hash_variants = " ".join(hashes[1:])
            item.save(update_fields=["perceptual_hash", "perceptual_hash_variants"])


class Migration(migrations.Migration):
    dependencies = [("cms", "0012_picture_hash_variants")]

    operations = [migrations.RunPython(refingerprint, migrations.RunPython.noop)]
