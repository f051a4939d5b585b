"""Group changes made in Wagtail's own staff screens follow the memberships.

Staff are put in roles through Wagtail's user and group screens (and the held
requests of ``moderation.staff_roles``). Ticking a school's group ("Editors at
meadowbank.example") makes that person a member of the school in the role; ticking a
role's global group while the installation has one school makes them a member of that
school. Either way both groups are kept in step by ``schools.services``.
"""

from __future__ import annotations

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed

from .models import School, SchoolMembership, SchoolRole, SchoolRoleGroup

_state = threading.local()  # the services add to groups themselves: no second round


def _groups_joined(*, user_ids: set[int], group_ids: set[int]) -> None:
    from .services import membership_add

    User = get_user_model()
    school_groups = SchoolRoleGroup.objects.filter(group_id__in=group_ids)
    for role_group in school_groups.select_related("site"):
        for user in User.objects.filter(pk__in=user_ids):
            membership_add(user=user, site=role_group.site, role=role_group.role)
    roles = SchoolRole.objects.filter(
        role__in=Group.objects.filter(pk__in=group_ids).values("name")
    ).values_list("role", flat=True)
    schools = list(School.objects.select_related("site")[:2])
    if not roles or len(schools) != 1:
        return
    for user in User.objects.filter(pk__in=user_ids):
        for role in roles:
            if not SchoolMembership.objects.filter(user=user, role=role).exists():
                membership_add(user=user, site=schools[0].site, role=role)


def _groups_left(*, user_ids: set[int], group_ids: set[int]) -> None:
    from .services import membership_remove

    User = get_user_model()
    for role_group in SchoolRoleGroup.objects.filter(group_id__in=group_ids):
        for user in User.objects.filter(pk__in=user_ids):
            membership_remove(user=user, site=role_group.site, role=role_group.role)
    # Leaving a role's global group ends the role at every school.
    roles = Group.objects.filter(pk__in=group_ids).values("name")
    for membership in SchoolMembership.objects.filter(
        user_id__in=user_ids, role__in=roles
    ).select_related("user", "site"):
        membership_remove(
            user=membership.user, site=membership.site, role=membership.role
        )


def user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """``m2m_changed`` on ``User.groups`` from either side."""
    if (
        getattr(_state, "busy", False)
        or action not in ("post_add", "post_remove")
        or not pk_set
    ):
        return
    if reverse:  # group.user_set.add(...)
        user_ids, group_ids = set(pk_set), {instance.pk}
    else:
        user_ids, group_ids = {instance.pk}, set(pk_set)
    _state.busy = True
    try:
        if action == "post_add":
            _groups_joined(user_ids=user_ids, group_ids=group_ids)
        else:
            _groups_left(user_ids=user_ids, group_ids=group_ids)
    finally:
        _state.busy = False


def root_translated(sender, source_obj, target_obj, **kwargs) -> None:
    """A school's home page translated (its Welsh root): the school's role groups
    get the same page permissions there."""
    from wagtail.models import Page, Site

    from .models import School
    from .services import school_groups_ensure

    if not isinstance(source_obj, Page):
        return
    for site in Site.objects.filter(root_page_id=source_obj.pk):
        if School.objects.filter(site=site).exists():
            school_groups_ensure(site=site)


def register() -> None:
    from wagtail.signals import copy_for_translation_done

    copy_for_translation_done.connect(
        root_translated, dispatch_uid="schools.root_translated"
    )
    m2m_changed.connect(
        user_groups_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="schools.user_groups_changed",
    )
