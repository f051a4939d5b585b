from django.db import migrations

# Whether pupils' photos may go in emails at all is the headteacher's decision (an
# email cannot be recalled); the consent officer still decides whose photos may.
GRANTS = {"Headteacher": ["change_alertsettings"]}


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
    dependencies = [("alerts", "0003_term_dates_news_categories_and_photo_setting")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
