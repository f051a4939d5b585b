from django.db import migrations

SENIOR_LEADERSHIP = "Senior leadership"


def grant_admin_access(apps, schema_editor):
    """Senior leadership reads the sign-in log and resets devices in the admin (P4)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group, _ = Group.objects.get_or_create(name=SENIOR_LEADERSHIP)
    group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("two_factor", "0001_initial"),
        ("moderation", "0001_role_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(grant_admin_access, migrations.RunPython.noop)]
