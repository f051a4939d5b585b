"""Least privilege: editors and approvers no longer act on deliveries (issue 22).

They keep seeing them (``view_delivery``). Acting (retry, resend, mark sent or not on
the network) is for the account's owner and managers, checked per account in
publishing/delivery_permissions.py, and for senior leadership, who keep
``change_delivery`` for every account. Historical models only.
"""

from django.db import migrations

ROLES_LOSING_IT = ("Editors", "Approvers")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change_delivery = Permission.objects.filter(
        content_type__app_label="publishing", codename="change_delivery"
    )
    for group in Group.objects.filter(name__in=ROLES_LOSING_IT):
        group.permissions.remove(*change_delivery)


def restore(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change_delivery = Permission.objects.filter(
        content_type__app_label="publishing", codename="change_delivery"
    )
    for group in Group.objects.filter(name__in=ROLES_LOSING_IT):
        group.permissions.add(*change_delivery)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0006_plain_english_help_and_image_by_default")]

    operations = [migrations.RunPython(revoke, restore)]
