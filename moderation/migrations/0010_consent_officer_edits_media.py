from django.db import migrations

# Only the consent officer (Safeguarding) may loosen the tags of live, posted or
# copied media (moderation/consent/live_media.py), so they must be able to open and
# change any image or document in the school's collection.
CODENAMES = {
    "wagtailimages": ("change_image", "choose_image"),
    "wagtaildocs": ("change_document", "choose_document"),
}


def grant(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    Permission = apps.get_model("auth", "Permission")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    group = Group.objects.filter(name="Safeguarding").first()
    if root is None or group is None:
        return
    for app_label, codenames in CODENAMES.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0009_learner_known_as_and_media_matches"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
