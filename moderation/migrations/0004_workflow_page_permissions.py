"""Editors draft and submit; approvers and senior leaders may publish (P1).

Publishing itself happens through the workflow (moderation.workflow.guards refuses the
editor's "Publish" button for everyone); the publish permission lets approvers
unpublish and see scheduled pages.
"""

from django.db import migrations

PAGE_PERMISSIONS = {
    "Editors": {"add", "change"},
    "Approvers": {"add", "change", "publish"},
    "Senior leadership": {"add", "change", "publish"},
}


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant_page_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    access_admin = _permission(
        apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"
    )
    publish_types = {"add", "change", "publish"}
    for group_name, granted in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        group.permissions.add(access_admin)
        for root in Page.objects.filter(depth=1):
            for permission_type in sorted(publish_types):
                permission = _permission(
                    apps, "wagtailcore", "page", f"{permission_type}_page",
                    f"Can {permission_type} page",
                )
                rows = GroupPagePermission.objects.filter(
                    group=group, page=root, permission=permission
                )
                if permission_type in granted:
                    if not rows.exists():
                        GroupPagePermission.objects.create(
                            group=group, page=root, permission=permission
                        )
                else:
                    rows.delete()
    # No group publishes anywhere below the root either, except those granted above.
    editors = Group.objects.get(name="Editors")
    GroupPagePermission.objects.filter(
        group=editors, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_workflow_default"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
    ]
    operations = [migrations.RunPython(grant_page_permissions, migrations.RunPython.noop)]
