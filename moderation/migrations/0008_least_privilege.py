"""Least privilege for the staff roles (P1, ASVS V8).

- Wagtail's default "Moderators" group is removed: it could publish and delete
  pages, images and documents outside the school's roles, and anyone added to it
  later would have had those rights. Its members keep their other groups.
- Editors no longer delete images or documents: a photo withdrawn for consent is
  taken out of publication by the consent register (and kept for the record), not
  deleted by whoever uploaded it; deleting is left to the site administrator.
"""

from django.db import migrations

DELETE_MEDIA = (("wagtailimages", "delete_image"), ("wagtaildocs", "delete_document"))


def least_privilege(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    moderators = Group.objects.filter(name="Moderators")
    GroupPagePermission.objects.filter(group__in=moderators).delete()
    GroupCollectionPermission.objects.filter(group__in=moderators).delete()
    moderators.delete()

    deletes = [
        permission
        for app_label, codename in DELETE_MEDIA
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    ]
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*deletes)
        GroupCollectionPermission.objects.filter(
            group=editors, permission__in=deletes
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0007_media_clearance_and_public_copies"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(least_privilege, migrations.RunPython.noop)]
