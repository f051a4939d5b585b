"""A match names the kind of item it matched: a document can match a photo (issue 20)."""

import django.db.models.deletion
from django.db import migrations, models


def same_kind_as_the_upload(apps, schema_editor):
    """Every match so far was between two items of the same kind."""
    MediaMatch = apps.get_model("moderation", "MediaMatch")
    MediaMatch.objects.update(matched_content_type=models.F("content_type"))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0015_incident_help_in_plain_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediamatch",
            name="matched_content_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(same_kind_as_the_upload, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mediamatch",
            name="matched_content_type",
            field=models.ForeignKey(
                help_text="The kind of the earlier item: a document can match a photo",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="mediamatch",
            name="how",
            field=models.CharField(
                choices=[
                    ("same_file", "the same file"),
                    ("same_picture", "the same picture (resized or re-saved)"),
                    ("picture_inside", "a picture inside it is the same photo"),
                ],
                max_length=16,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="mediamatch",
            name="moderation_one_match_per_pair",
        ),
        migrations.AddConstraint(
            model_name="mediamatch",
            constraint=models.UniqueConstraint(
                fields=("content_type", "item_id", "matched_content_type", "matched_id"),
                name="moderation_one_match_per_pair",
            ),
        ),
    ]
