"""Changing who holds a sensitive role: record, hold for a second person, notify."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from moderation.models import RoleGrant

from . import audit
from .code import role_code_spend
from .notifications import role_change_send
from .selectors import RoleChange, may_decide_role_grant, role_change_between


class RoleGrantNotAllowed(Exception):
    """This person may not decide this request (it is theirs, or not theirs to
    decide, or it was decided already)."""


def role_change_record(
    *,
    actor: AbstractBaseUser,
    member: AbstractBaseUser,
    change: RoleChange,
    request: HttpRequest,
) -> list[RoleGrant]:
    """Audit, hold and announce a sensitive change a form has just saved.

    The form saved ``change.keep_groups``; the roles in ``change.held`` (the actor's
    own request) become waiting requests instead. Spends the session's code.

    Returns:
        The waiting requests created (or already waiting) for ``change.held``.
    """
    if not change.is_sensitive:
        return []
    for role in change.added:
        audit.role_log(action=audit.GIVEN, member=member, actor=actor, role=role)
    for role in change.removed:
        audit.role_log(action=audit.REMOVED, member=member, actor=actor, role=role)
    grants = []
    for group in change.held:
        grant, _ = RoleGrant.objects.get_or_create(
            member=member,
            group=group,
            status=RoleGrant.Status.WAITING,
            defaults={"requested_by": actor},
        )
        grants.append(grant)
        audit.role_log(
            action=audit.REQUESTED, member=member, actor=actor, role=group.name
        )
    role_change_send(
        member=member,
        actor=actor,
        given=change.added,
        removed=change.removed,
        requested=tuple(group.name for group in change.held),
    )
    role_code_spend(request)
    return grants


def role_assign(
    *,
    actor: AbstractBaseUser,
    members: Iterable[AbstractBaseUser],
    group: Group,
    request: HttpRequest,
) -> tuple[int, int]:
    """Add ``members`` to ``group`` (the "Assign role" bulk action).

    The actor's own account is held for a second person when the role is sensitive.

    Returns:
        (how many were added, how many are waiting for confirmation).
    """
    added = held = 0
    with transaction.atomic():
        for member in members:
            change = role_change_between(
                actor=actor,
                member=member,
                groups=[*member.groups.all(), group],
                is_superuser=None,
            )
            if group in change.keep_groups:
                member.groups.add(group)
                added += 1
            else:
                held += 1
            role_change_record(
                actor=actor, member=member, change=change, request=request
            )
    return added, held


def _decide(*, grant: RoleGrant, actor: AbstractBaseUser, status: str) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if not may_decide_role_grant(user=actor, grant=grant):
        raise RoleGrantNotAllowed(
            "Only the DSL or the headteacher may decide this request, and not on "
            "their own behalf; it may have been decided already."
        )
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    return grant


def role_grant_confirm(
    *, grant: RoleGrant, actor: AbstractBaseUser, request: HttpRequest
) -> RoleGrant:
    """A second person confirms a request: the member joins the role now."""
    with transaction.atomic():
        grant = _decide(grant=grant, actor=actor, status=RoleGrant.Status.CONFIRMED)
        grant.member.groups.add(grant.group)
        role = grant.group.name
        audit.role_log(
            action=audit.CONFIRMED, member=grant.member, actor=actor, role=role
        )
        audit.role_log(action=audit.GIVEN, member=grant.member, actor=actor, role=role)
        role_change_send(
            member=grant.member,
            actor=grant.requested_by,
            given=(role,),
            confirmed_by=actor,
        )
        role_code_spend(request)
    return grant


def role_grant_refuse(*, grant: RoleGrant, actor: AbstractBaseUser) -> RoleGrant:
    """A second person refuses a request: nothing is given (no code needed)."""
    with transaction.atomic():
        grant = _decide(grant=grant, actor=actor, status=RoleGrant.Status.REFUSED)
        audit.role_log(
            action=audit.REFUSED,
            member=grant.member,
            actor=actor,
            role=grant.group.name,
        )
    return grant
