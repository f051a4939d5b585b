"""Adding schools and staff: the writes. Wagtail's own permissions do the guarding.

Each school gets its own collection (images and documents) and, for every role, its
own group holding the role's page permissions on the school's root page and the
role's collection permissions on the school's collection (``GroupPagePermission``,
``GroupCollectionPermission``). Staff join those groups through a membership, so the
admin's listings, choosers, search and edit views show each editor their school only.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Site,
)

from .models import School, SchoolMembership, SchoolRole, SchoolRoleGroup, Trust

logger = logging.getLogger(__name__)


class UnknownRole(ValueError):
    """The role named has no global group (its model permissions) or no school part."""


def school_name(site: Site) -> str:
    """The school's name as staff read it (the site name, else its host name)."""
    return site.site_name or site.hostname


def _group_name(site: Site, role: str) -> str:
    where = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    return f"{role} at {where}"[:150]


@transaction.atomic
def school_add(*, site: Site, trust: Trust | None = None) -> School:
    """Make ``site`` a school: its collection and one group per role.

    Idempotent: running it again (``manage.py school_groups``) repairs what is missing.
    """
    school = School.objects.filter(site=site).first()
    if school is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(name=school_name(site))
        school = School.objects.create(site=site, trust=trust, collection=collection)
    elif trust is not None and school.trust_id != trust.pk:
        school.trust = trust
        school.save(update_fields=["trust"])
    school_groups_ensure(site=site)
    return school


@transaction.atomic
def school_groups_ensure(*, site: Site) -> list[SchoolRoleGroup]:
    """Give ``site`` one group per role with the role's permissions, and its members.

    A group deleted from the admin is made again here with every member whose
    membership says they belong in it, so nobody loses or keeps access by accident.
    """
    school = School.objects.select_related("collection").get(site=site)
    made = []
    for school_role in SchoolRole.objects.prefetch_related(
        "page_permissions", "collection_permissions"
    ):
        made.append(_role_group_ensure(school=school, school_role=school_role))
    return made


def _role_group_ensure(*, school: School, school_role: SchoolRole) -> SchoolRoleGroup:
    site = school.site
    role_group = (
        SchoolRoleGroup.objects.select_related("group")
        .filter(site=site, role=school_role.role)
        .first()
    )
    if role_group is None:
        group, _ = Group.objects.get_or_create(name=_group_name(site, school_role.role))
        role_group = SchoolRoleGroup.objects.create(
            site=site, role=school_role.role, group=group
        )
        logger.info(
            "School group made: %s",
            group.name,
            extra={"event": "school_group_made", "site": site.pk},
        )
    group = role_group.group
    # The school's root in every language it publishes in (Welsh beside English).
    roots = list(site.root_page.get_translations(inclusive=True))
    for permission in school_role.page_permissions.all():
        for root in roots:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission
            )
    for permission in school_role.collection_permissions.all():
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=school.collection, permission=permission
        )
    members = SchoolMembership.objects.filter(site=site, role=school_role.role)
    group.user_set.add(*[m.user_id for m in members])
    return role_group


@transaction.atomic
def membership_add(
    *, user: AbstractBaseUser, site: Site, role: str
) -> SchoolMembership:
    """``user`` works at ``site`` in ``role``: joins the role and the school's group.

    Raises:
        UnknownRole: ``role`` has no global group or no school part.
    """
    role_group_global = Group.objects.filter(name=role).first()
    school_role = SchoolRole.objects.filter(role=role).first()
    if role_group_global is None or school_role is None:
        raise UnknownRole(role)
    school = School.objects.filter(site=site).first() or school_add(site=site)
    membership, _ = SchoolMembership.objects.get_or_create(
        user=user, site=site, role=role
    )
    _role_group_ensure(school=school, school_role=school_role)
    user.groups.add(role_group_global)
    return membership


@transaction.atomic
def membership_remove(*, user: AbstractBaseUser, site: Site, role: str) -> None:
    """``user`` no longer works at ``site`` in ``role``.

    They keep the role's global group only while they hold the role at another school.
    """
    SchoolMembership.objects.filter(user=user, site=site, role=role).delete()
    for role_group in SchoolRoleGroup.objects.filter(site=site, role=role):
        role_group.group.user_set.remove(user)
    if not SchoolMembership.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=role))
