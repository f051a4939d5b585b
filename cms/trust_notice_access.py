"""Who may write, publish and end a trust's notices: its senior leaders, on its folder.

Trust notices live in the trust's folder (``TrustNoticesPage``), outside every school's
tree, so no school's group reaches them. Each trust has one group holding Wagtail's
page permissions on its folders (add, change, publish: publishing itself still goes
through the two-person approval, ``moderation.workflow.guards``), whose members are
the trust's senior leaders (``schools.TrustRole``). It follows every change to either.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from schools.models import Trust, TrustRole

from .models import TrustNoticesPage

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def trust_notices_group_ensure(*, trust: Trust) -> Group:
    """The trust's notices group, with its folder permissions and its senior leaders."""
    group, _ = Group.objects.get_or_create(name=f"Trust notices of {trust.name}"[:150])
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    for folder in TrustNoticesPage.objects.filter(trust=trust):
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=folder, permission=permission
            )
    group.user_set.set(
        TrustRole.objects.filter(
            trust=trust, kind=TrustRole.Kind.SENIOR_LEADER
        ).values_list("user_id", flat=True)
    )
    return group
