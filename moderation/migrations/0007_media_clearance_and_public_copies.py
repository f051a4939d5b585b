"""Existing media: consent clearance and public copies, after uploads became private.

This migration used to compute both with today's code. A migration runs with the
models as they were at this point and must give the same result whatever the code
is later, so it now changes no data: once every migration has run, the
``post_migrate`` receiver in moderation/consent/upgrade_catch_up.py does the work
with today's rule-set, and only when this migration was among those just applied. On
a fresh database there are no media yet, so the result is the same as before: none.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_merge_20261121_1504"),
        ("cms", "0004_media_private_by_default"),
    ]

    operations = []
