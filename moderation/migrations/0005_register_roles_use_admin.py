from django.db import migrations

# The register lives in the Wagtail admin: its readers and keepers must be able to
# sign in there (the two-factor gate still applies).
ROLES = ("Safeguarding", "Senior leadership")


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_consent_lapse_handled"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
