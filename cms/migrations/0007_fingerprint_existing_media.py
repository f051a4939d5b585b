"""Existing media: the school as copyright holder where none was given (the default),
and fingerprints of every readable file, so a withdrawn picture uploaded again after
this release is recognised too."""

from django.conf import settings
from django.db import migrations


def fill_in(apps, schema_editor):
    from cms.fingerprints import perceptual_hash_of, sha256_of

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
