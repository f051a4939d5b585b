from django.db import migrations

# Safeguarding (the DSL and consent officer) keeps the register; senior leadership may
# read it. Only Safeguarding sees why a learner is on the do-not-publish list (C2).
GRANTS = {
    "Safeguarding": [
        ("learner", "add_learner"),
        ("learner", "change_learner"),
        ("learner", "view_learner"),
        ("learner", "view_do_not_publish_reason"),
        ("consentrecord", "add_consentrecord"),
        ("consentrecord", "view_consentrecord"),
    ],
    "Senior leadership": [
        ("learner", "view_learner"),
        ("consentrecord", "view_consentrecord"),
    ],
}
NAMES = {
    "add_learner": "Can add learner",
    "change_learner": "Can change learner",
    "view_learner": "Can view learner",
    "view_do_not_publish_reason": "Can see why a learner may not be published",
    "add_consentrecord": "Can add consent record",
    "view_consentrecord": "Can view consent record",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, codename in grants:
            content_type, _ = ContentType.objects.get_or_create(
                app_label="moderation", model=model
            )
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": NAMES[codename]},
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, grants in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="moderation",
                    codename__in=[codename for _, codename in grants],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_consent_register"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
