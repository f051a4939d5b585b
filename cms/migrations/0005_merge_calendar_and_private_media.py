# Joins the term-calendar migration (from the calendar branch, merged into incidents for
# cms.school_calendar) with main's private-media migration. Delete this file when the
# calendar branch lands with its migrations renumbered after 0004_media_private_by_default.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_media_private_by_default"),
        ("cms", "0004_term_calendar_and_monitoring_hours"),
    ]
    operations = []
