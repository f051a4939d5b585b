from django.db import migrations

ROLES = ("Editors", "Approvers", "Senior leadership", "Safeguarding")


def create_role_groups(apps, schema_editor):
    """Create the staff role groups; each feature's migration grants its permissions."""
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length"), ("wagtailcore", "0098_apitoken")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
