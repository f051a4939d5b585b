"""Which groups are sensitive, and what a submitted form would change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Q, QuerySet

from moderation.models import ApprovalTask, RoleGrant
from moderation.roles import ROLE_GUARDIANS, SENSITIVE_ROLES

#: How superuser status is named in the audit and emails: it approves publication.
SITE_ADMINISTRATOR = "Site administrator (all rights, approves publication)"


def sensitive_groups() -> QuerySet[Group]:
    """The sensitive roles, plus any group an active approval step names."""
    approving = ApprovalTask.objects.filter(active=True).values("groups")
    return Group.objects.filter(Q(name__in=SENSITIVE_ROLES) | Q(pk__in=approving))


@dataclass(frozen=True)
class RoleChange:
    """What a form does to sensitive roles, in the school's words.

    ``added`` and ``removed`` name the roles given and taken away; ``held`` are roles
    the actor asked for themself, which wait for a second person; ``keep_groups`` is
    every group the form may save (what was asked for, less ``held``).
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    held: tuple[Group, ...] = ()
    keep_groups: tuple[Group, ...] = ()

    @property
    def is_sensitive(self) -> bool:
        return bool(self.added or self.removed or self.held)


def role_change_between(
    *,
    actor: AbstractBaseUser,
    member: AbstractBaseUser | None,
    groups: Iterable[Group] | None,
    is_superuser: bool | None,
) -> RoleChange:
    """Compare ``member``'s saved roles with the ones a form asks for.

    Args:
        actor: who submits the form.
        member: the saved account, or None for a new one.
        groups: the groups the form asks for (None: the form leaves them alone).
        is_superuser: the superuser box (None: the form does not offer it).
    """
    saved = (
        get_user_model().objects.get(pk=member.pk)
        if member is not None and member.pk
        else None
    )
    before = set(saved.groups.all()) if saved is not None else set()
    wanted = before if groups is None else set(groups)
    sensitive = set(sensitive_groups())
    joining = (wanted - before) & sensitive
    leaving = (before - wanted) & sensitive
    is_self = saved is not None and saved.pk == actor.pk
    held = joining if is_self else set()
    added = sorted(group.name for group in joining - held)
    removed = sorted(group.name for group in leaving)
    was_superuser = bool(saved and saved.is_superuser)
    if is_superuser is not None and bool(is_superuser) != was_superuser:
        (added if is_superuser else removed).append(SITE_ADMINISTRATOR)
    return RoleChange(
        added=tuple(added),
        removed=tuple(removed),
        held=tuple(sorted(held, key=lambda group: group.name)),
        keep_groups=tuple(sorted(wanted - held, key=lambda group: group.name)),
    )


def is_role_guardian(user: AbstractBaseUser) -> bool:
    """The DSL or the headteacher: confirms requests to join a sensitive role."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name__in=ROLE_GUARDIANS).exists()
    )


def role_grants_waiting() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(status=RoleGrant.Status.WAITING).select_related(
        "member", "group", "requested_by"
    )


def may_decide_role_grant(*, user: AbstractBaseUser, grant: RoleGrant) -> bool:
    """A guardian who is neither the member nor the one who asked."""
    return (
        grant.status == RoleGrant.Status.WAITING
        and is_role_guardian(user)
        and user.pk not in (grant.member_id, grant.requested_by_id)
    )
