from django.db import migrations

# The headteacher sees safeguarding incidents with the DSL; the incident readers keep
# the blocked accounts register (I3). Incidents themselves are not opened through
# model permissions but by role (moderation.incidents.access).
HEADTEACHER = "Headteacher"
REGISTER_KEEPERS = ("Senior leadership", "Safeguarding", HEADTEACHER)
CODENAMES = {
    "add_blockedaccount": "Can add blocked account",
    "change_blockedaccount": "Can change blocked account",
    "view_blockedaccount": "Can view blocked account",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    head, _ = Group.objects.get_or_create(name=HEADTEACHER)
    head.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    content_type, _ = ContentType.objects.get_or_create(
        app_label="moderation", model="blockedaccount"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in CODENAMES.items()
    ]
    for group in Group.objects.filter(name__in=REGISTER_KEEPERS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="moderation", codename__in=list(CODENAMES)
    )
    for group in Group.objects.filter(name__in=REGISTER_KEEPERS):
        group.permissions.remove(*permissions)
    Group.objects.filter(name=HEADTEACHER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0011_incidents"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
