"""Existing media: the school as copyright holder where none was given (the default),
and fingerprints of every readable file, so a withdrawn picture uploaded again after
this release is recognised too.

Historical models only: the two fingerprints are computed here as cms/fingerprints.py
computed them when this migration was written (SHA-256 of the bytes; imagehash's
64-bit pHash after the EXIF orientation), so a later change to that module cannot
change what this migration does. A change of algorithm needs its own migration.
"""

import hashlib

import imagehash
from django.conf import settings
from django.db import migrations
from PIL import Image, ImageOps, UnidentifiedImageError


def sha256_of(handle):
    handle.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def perceptual_hash_of(handle):
    handle.seek(0)
    try:
        with Image.open(handle) as picture:
            picture = ImageOps.exif_transpose(picture)
            value = str(imagehash.phash(picture))
    except (UnidentifiedImageError, OSError, ValueError):
        value = ""
    handle.seek(0)
    return value


def fill_in(apps, schema_editor):
    for name, is_picture in (("SchoolImage", True), ("SchoolDocument", False)):
        model = apps.get_model("cms", name)
        model.objects.filter(copyright_holder="").update(
            copyright_holder=settings.WAGTAIL_SITE_NAME
        )
        for item in model.objects.filter(sha256="").iterator():
            try:
                with item.file.open("rb") as handle:
                    item.sha256 = sha256_of(handle)
                    item.perceptual_hash = (
                        perceptual_hash_of(handle) if is_picture else ""
                    )
            except OSError:
                continue  # withdrawn or missing: fingerprinted when next saved
            item.save(update_fields=["sha256", "perceptual_hash"])


class Migration(migrations.Migration):
    dependencies = [("cms", "0006_media_fingerprints_and_copyright")]

    operations = [migrations.RunPython(fill_in, migrations.RunPython.noop)]
