"""Existing pictures: fingerprints taken again the new way (borders trimmed, and the
hash of the picture mirrored and turned), so a mirrored or framed copy of a picture
withdrawn before this release is recognised too.

A migration runs with the models as they were and must give the same result whatever
the code is later, so this one changes no data: once every migration has run, the
``post_migrate`` receiver in moderation/consent/fingerprint_catch_up.py fingerprints
every picture with today's ``cms.fingerprints``, only when this migration was among
those just applied. A fresh database has no pictures: nothing to do.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cms", "0012_picture_hash_variants")]

    operations = []
