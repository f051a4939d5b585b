"""Who may act on a delivery: retry, resend, look again, mark it sent or not there.

Least privilege (A2, A3): acting on a post speaks for the school on a network, so it
belongs to the people who run that account, its owner and its managers, and to
holders of ``publishing.change_delivery``, which only senior leadership holds (they
answer for every account, and must be able to act when an account has lost its
managers). That permission is a role's, and counts at the schools where its holder
has that role only: leading one school gives no hand in another's posts. Editors
and approvers may see deliveries (``view_delivery``) but not act on them.
Superusers may do everything.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from publishing.models import Delivery, SocialAccount
from schools.models import SchoolMembership


def _schools_acting_for_every_account(user) -> QuerySet:
    """Ids of the schools where ``user`` holds a role granting ``change_delivery``."""
    if not user.has_perm("publishing.change_delivery"):
        return SchoolMembership.objects.none().values("site_id")
    roles = Group.objects.filter(
        permissions__content_type__app_label="publishing",
        permissions__codename="change_delivery",
    ).values("name")
    return SchoolMembership.objects.filter(user=user, role__in=roles).values("site_id")


def _acts_for_every_account(user, *, site_id: int | None = None) -> bool:
    """Superusers; else a holder of the permission at ``site_id`` (or anywhere)."""
    if user.is_superuser:
        return True
    schools = _schools_acting_for_every_account(user)
    if site_id is not None:
        schools = schools.filter(site_id=site_id)
    return schools.exists()


def account_run_by(*, account: SocialAccount, user) -> bool:
    """Whether ``user`` is ``account``'s owner or one of its managers."""
    return account.owner_id == user.pk or account.managers.filter(pk=user.pk).exists()


def delivery_may_act(*, delivery: Delivery, user) -> bool:
    """Whether ``user`` may retry or mark ``delivery`` (see the module docstring)."""
    if not user.is_authenticated:
        return False
    return _acts_for_every_account(
        user, site_id=delivery.account.site_id
    ) or account_run_by(account=delivery.account, user=user)


def deliveries_may_act_on_any(*, user) -> bool:
    """Whether ``user`` may act on some delivery: the dashboard panel is theirs."""
    if not user.is_authenticated:
        return False
    return (
        _acts_for_every_account(user)
        or SocialAccount.objects.filter(Q(owner=user) | Q(managers=user)).exists()
    )


def deliveries_may_see(*, user) -> bool:
    """Whether ``user`` may open a delivery's page (to look, or to act)."""
    return (
        user.is_superuser
        or user.has_perm("publishing.view_delivery")
        or deliveries_may_act_on_any(user=user)
    )


def deliveries_acted_on_by(queryset: QuerySet, *, user) -> QuerySet:
    """The deliveries of ``queryset`` that ``user`` may act on (their dashboard)."""
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(account__site__in=_schools_acting_for_every_account(user))
        | Q(account__owner_id=user.pk)
        | Q(account__managers=user)
    ).distinct()


def deliveries_with_may_act(queryset: QuerySet, *, user) -> QuerySet:
    """``queryset`` with ``may_act`` on each row, in the same query (list buttons)."""
    if user.is_superuser:
        return queryset.annotate(may_act=Value(True, output_field=BooleanField()))
    managed = SocialAccount.managers.through.objects.filter(
        socialaccount_id=OuterRef("account_id"), user_id=user.pk
    )
    return queryset.annotate(
        may_act=ExpressionWrapper(
            Q(account__site__in=_schools_acting_for_every_account(user))
            | Q(account__owner_id=user.pk)
            | Exists(managed),
            output_field=BooleanField(),
        )
    )
