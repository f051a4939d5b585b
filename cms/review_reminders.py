"""The one review engine: things due a look, emailed to the staff who own them.

The weekly content review (pages past their "review by" date, M3) and the
statutory-information reminders (a deadline coming, a link broken) both hand their
items here. Each owner gets one email per school listing theirs; items nobody owns
(or whose owner has left, or no longer works at that school) go to the installation's
administrators. Nobody is sent a school's items who does not work there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from wagtail.models import Site

from schools.current import schools_for_user


@dataclass(frozen=True)
class ReviewItem:
    site: Site | None
    owner: object | None
    title: str
    admin_path: str
    reason: str = ""


def school_url(site: Site | None) -> str:
    """Where a school's staff open the admin: the default site at SITE_URL."""
    if site is None or site.is_default_site:
        return settings.SITE_URL
    return site.root_url


def _administrators() -> list[str]:
    return [
        user.email
        for user in get_user_model().objects.filter(is_superuser=True, is_active=True)
        if user.email
    ]


def _reachable_at(owner, site: Site | None) -> bool:
    """Whether ``owner`` may be sent ``site``'s items: active, with an email
    address, and working at that school."""
    if owner is None or not owner.is_active or not owner.email:
        return False
    return site is None or schools_for_user(owner).filter(pk=site.pk).exists()


def review_reminders_send(items, *, subject: str, introduction: str) -> int:
    """Email ``items`` to their owners, one email per owner and school; return how
    many emails went."""
    groups: dict = defaultdict(list)
    for item in items:
        owner = item.owner if _reachable_at(item.owner, item.site) else None
        groups[(item.site.pk if item.site else None, owner)].append(item)
    administrators = None
    sent = 0
    for (_site, owner), group in groups.items():
        if owner is not None:
            recipients = [owner.email]
        else:
            administrators = (
                _administrators() if administrators is None else administrators
            )
            recipients = administrators
        if not recipients:
            continue
        site = group[0].site
        base = school_url(site)
        lines = "\n".join(
            f"- {item.title}{f' ({item.reason})' if item.reason else ''}: "
            f"{base}{item.admin_path}"
            for item in group
        )
        school = f"{site.site_name}\n\n" if site is not None and site.site_name else ""
        send_mail(subject, f"{school}{introduction}\n\n{lines}\n", None, recipients)
        sent += 1
    return sent
