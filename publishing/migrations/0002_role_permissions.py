from django.db import migrations

# Who may do what with social publishing (A1-A3):
# - Senior leadership keeps the account register and reads/acts on deliveries.
# - Any member of staff may propose an account; approvers and editors see deliveries
#   and may retry a failed one.
GRANTS = {
    "Senior leadership": [
        "add_socialaccount",
        "change_socialaccount",
        "view_socialaccount",
        "view_delivery",
        "change_delivery",
    ],
    "Approvers": [
        "add_socialaccount",
        "view_socialaccount",
        "view_delivery",
        "change_delivery",
    ],
    "Editors": [
        "add_socialaccount",
        "view_socialaccount",
        "view_delivery",
        "change_delivery",
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("publishing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="publishing", codename__in=codenames
            )
        )
    wagtail_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(*wagtail_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_ledger"),
        ("moderation", "0001_role_groups"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
