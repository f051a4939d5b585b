"""The head and senior leadership keep the statutory-information checklist.

They see the whole checklist and its exports, record how each item is met and
choose the type of school; every other member of staff sees only the items they own.
"""

from django.db import migrations

KEEPERS = ("Headteacher", "Senior leadership")
CMS_CODENAMES = (
    "view_statutoryrecord",
    "change_statutoryrecord",
    "change_statutorysettings",
)


def _cms_permissions(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("cms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="cms", codename__in=CMS_CODENAMES
        )
    )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = _cms_permissions(apps)
    for name in KEEPERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="cms", codename__in=CMS_CODENAMES
    )
    for group in Group.objects.filter(name__in=KEEPERS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0020_media_match_kinds"),
        ("cms", "0016_statutory_information"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
