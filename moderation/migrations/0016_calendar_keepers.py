"""The school calendar is kept by the head, senior leadership and the school office.

Until now only a superuser could change the term dates, import a calendar, set the
monitoring hours or write the holiday-notice template, so schools would have shared
the administrator's account. These rights go to three roles instead; every change
still needs a fresh code and is in the audit log (``moderation.two_factor.guarded``).
The "School office" group is new: it opens the admin and the calendar, nothing else.
"""

from django.db import migrations

SCHOOL_OFFICE = "School office"
CALENDAR_KEEPERS = ("Headteacher", "Senior leadership", SCHOOL_OFFICE)
CMS_CODENAMES = (
    "add_termdate",
    "change_termdate",
    "delete_termdate",
    "view_termdate",
    "change_monitoringhours",
    "change_holidaynoticesettings",
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
    Permission = apps.get_model("auth", "Permission")
    permissions = _cms_permissions(apps)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in CALENDAR_KEEPERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin, *permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="cms", codename__in=CMS_CODENAMES
    )
    for group in Group.objects.filter(name__in=CALENDAR_KEEPERS):
        group.permissions.remove(*permissions)
    Group.objects.filter(name=SCHOOL_OFFICE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0015_incident_help_in_plain_words"),
        ("cms", "0012_calendar_sources"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
