from django.db import migrations

# Who sees families' email addresses (export, delete on request): the school office
# and the headteacher. Never editors: no parent's address is visible to them.
GRANTS = {"School office": ["manage_subscribers"], "Headteacher": ["manage_subscribers"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("alerts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="alerts", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_subscribers_alerts_and_email_ledger"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("moderation", "0016_calendar_keepers"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
