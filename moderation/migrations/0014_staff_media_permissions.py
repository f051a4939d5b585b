"""Every role that writes or checks pages may choose, upload and tag photos.

Wagtail's own data gives only its "Editors" group image and document rights; the
approvers and senior leaders who edit pages, and the safeguarding lead who checks
tags, had none, so their image chooser said "You haven't uploaded any images".
Deleting stays with administrators (0008_least_privilege).
"""

from django.db import migrations

MEDIA = {
    "wagtailimages": ("image", "Image"),
    "wagtaildocs": ("document", "Document"),
}
GRANTS = {
    "Editors": ("add", "change", "choose"),
    "Approvers": ("add", "change", "choose"),
    "Senior leadership": ("add", "change", "choose"),
    "Safeguarding": ("change", "choose"),
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for app_label, (model, label) in MEDIA.items():
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model
        )
        for group_name, actions in GRANTS.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {label.lower()}"},
                )
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0013_plain_english_help"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
