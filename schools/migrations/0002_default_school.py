"""Every existing site becomes a school; the role groups' page and media rights move
from the whole tree to each school's own root page and collection.

Before: each role group held its page permissions on the tree's root and its image
and document permissions on the root collection, so it reached every site. After:
those permissions are kept per role (``SchoolRole``) and granted through one group per
school and role, on that school's root page and collection; the role groups keep their
model permissions. Existing staff become members of the default school in the roles
they held; existing images and documents move into the default school's collection.
Historical models only (a migration must give the same result whatever the code is).
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
#: The staff roles as they stood (moderation.roles.ALL_ROLES at this migration).
ROLES = (
    "Editors",
    "Approvers",
    "Senior leadership",
    "Safeguarding",
    "Headteacher",
    "School office",
)


def _next_child_path(Collection, parent):
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    number = 0
    if last is not None:
        step = last.path[-STEPLEN:]
        number = 0
        for char in step:
            number = number * len(ALPHABET) + ALPHABET.index(char)
        number += 1
    step = ""
    for _ in range(STEPLEN):
        number, digit = divmod(number, len(ALPHABET))
        step = ALPHABET[digit] + step
    return parent.path + step


def _group_name(site, role):
    where = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    return f"{role} at {where}"[:150]


def forwards(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    School = apps.get_model("schools", "School")
    SchoolRole = apps.get_model("schools", "SchoolRole")
    SchoolRoleGroup = apps.get_model("schools", "SchoolRoleGroup")
    SchoolMembership = apps.get_model("schools", "SchoolMembership")

    tree_roots = Page.objects.filter(depth=1)
    root_collection = Collection.objects.filter(depth=1).first()
    page_rows = GroupPagePermission.objects.filter(page__in=tree_roots)
    collection_rows = GroupCollectionPermission.objects.filter(
        collection=root_collection
    )
    group_ids = set(page_rows.values_list("group_id", flat=True)) | set(
        collection_rows.values_list("group_id", flat=True)
    )
    roles = {}
    for group in Group.objects.filter(pk__in=group_ids) | Group.objects.filter(
        name__in=ROLES
    ):
        school_role, _ = SchoolRole.objects.get_or_create(role=group.name)
        school_role.page_permissions.add(
            *page_rows.filter(group=group).values_list("permission_id", flat=True)
        )
        school_role.collection_permissions.add(
            *collection_rows.filter(group=group).values_list("permission_id", flat=True)
        )
        roles[group.name] = (group, school_role)

    default_school = None
    for site in Site.objects.order_by("-is_default_site", "pk"):
        collection = Collection.objects.create(
            name=site.site_name or site.hostname,
            path=_next_child_path(Collection, root_collection),
            depth=2,
            numchild=0,
        )
        root_collection.numchild += 1
        root_collection.save(update_fields=["numchild"])
        school = School.objects.create(site=site, collection=collection)
        default_school = default_school or school
        for role, (global_group, school_role) in roles.items():
            group, _ = Group.objects.get_or_create(name=_group_name(site, role))
            SchoolRoleGroup.objects.create(site=site, role=role, group=group)
            for permission in school_role.page_permissions.all():
                GroupPagePermission.objects.get_or_create(
                    group=group, page=site.root_page, permission=permission
                )
            for permission in school_role.collection_permissions.all():
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
            if school is default_school:
                for user in global_group.user_set.all():
                    SchoolMembership.objects.get_or_create(
                        user=user, site=site, role=role
                    )
                    group.user_set.add(user)

    page_rows.filter(group__in=[g for g, _ in roles.values()]).delete()
    collection_rows.filter(group__in=[g for g, _ in roles.values()]).delete()
    if default_school is not None:
        for app_label, model in (("cms", "SchoolImage"), ("cms", "SchoolDocument")):
            apps.get_model(app_label, model).objects.filter(
                collection=root_collection
            ).update(collection=default_school.collection)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0001_trust_schools_and_memberships"),
        ("moderation", "0020_media_match_kinds"),
        ("cms", "0015_merge_20261206_0637"),
        ("home", "0002_create_homepage"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
