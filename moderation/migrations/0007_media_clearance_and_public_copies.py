"""Existing media: compute each item's consent clearance, then the public copies.

Uploads are now private by default (issue 9): without this, media already on live
pages would vanish from the site until each page is published again. Uses the
current code on purpose (the rule-set is not something to freeze in a migration);
on a fresh database it does nothing.
"""

from django.db import migrations


def clear_and_publish(apps, schema_editor):
    from wagtail.models import Page, ReferenceIndex

    from cms.public_media import page_media_sync
    from moderation.consent.clearance import media_clearance_refresh_all

    media_clearance_refresh_all()
    page_type = ReferenceIndex._get_base_content_type(Page)
    # object_id is text (it serves every model): compare as numbers, not in SQL,
    # where PostgreSQL refuses integer = varchar.
    using_media = {
        int(object_id)
        for object_id in ReferenceIndex.objects.filter(
            base_content_type=page_type,
            to_content_type__app_label="cms",
            to_content_type__model__in=["schoolimage", "schooldocument"],
        ).values_list("object_id", flat=True)
    }
    for page in Page.objects.live().filter(pk__in=using_media).specific():
        page_media_sync(page=page)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_merge_20261121_1504"),
        ("cms", "0004_media_private_by_default"),
    ]

    operations = [migrations.RunPython(clear_and_publish, migrations.RunPython.noop)]
