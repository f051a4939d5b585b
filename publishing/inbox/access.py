"""Who sees which inbox items: the school's own, and within it

- the account's managers and owner: the items of their accounts;
- the safeguarding lead, the head and senior leadership: every item of the school.

A comment flagged to the safeguarding lead (a pupil named, personal details) shows
its words only to the safeguarding lead and the head; the managers see that it
was hidden and is with them. Each role counts at the schools where its holder has
it: the safeguarding lead of one school is an ordinary member of staff at another.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.models import Site

from moderation.roles import HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP
from schools.current import school_for_request

from .models import InboxItem

OVERSEERS = (SAFEGUARDING, HEADTEACHER, SENIOR_LEADERSHIP)
SAFEGUARDING_READERS = (SAFEGUARDING, HEADTEACHER)


def current_school(request) -> Site:
    """The school being worked in (``schools.current``): the one place the inbox asks.

    Not the host name: every school's staff may share the admin's address, and a
    typed host name must not open another school's inbox.
    """
    site = school_for_request(request)
    if site is None:  # works in no school: no school's inbox to show
        raise PermissionDenied
    return site


def _in(user, groups, site: Site | None) -> bool:
    """``user`` holds one of ``groups`` at ``site`` (at any school when ``None``)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    memberships = user.school_memberships.filter(role__in=groups)
    if site is not None:
        memberships = memberships.filter(site=site)
    return memberships.exists()


def oversees(user, site: Site | None) -> bool:
    return _in(user, OVERSEERS, site)


def reads_safeguarding(user, site: Site) -> bool:
    return _in(user, SAFEGUARDING_READERS, site)


def visible_items(*, user, site: Site):
    items = InboxItem.objects.for_school(site).select_related("account")
    if oversees(user, site):
        return items
    return items.filter(Q(account__managers=user) | Q(account__owner=user)).distinct()


def may_use_inbox(user) -> bool:
    """Whether the inbox is anyone's to open (at one of their schools, at least)."""
    return (
        oversees(user, None)
        or user.managed_social_accounts.exists()
        or user.owned_social_accounts.exists()
    )


def words_shown(*, user, item: InboxItem) -> bool:
    return not item.flagged_for_dsl or reads_safeguarding(user, item.site)
