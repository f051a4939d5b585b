"""Dashboard: the head and senior leadership are told when no policy page is set."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from moderation.roles import HEADTEACHER, SENIOR_LEADERSHIP
from publishing.models import SocialAccount

from .services import current_policy

WARNED = (HEADTEACHER, SENIOR_LEADERSHIP)


class NoPolicyPanel(Component):
    name = "social_media_policy_missing"
    order = 103
    template_name = "publishing/social_policy/no_policy_panel.html"

    def __init__(self, *, site):
        self.site = site

    def get_context_data(self, parent_context=None):
        return {"site": self.site}


def no_policy_panel(*, user, site) -> NoPolicyPanel | None:
    """The warning, for the school's head and senior leaders, while it has accounts
    and no published policy page is chosen."""
    if site is None or current_policy(site) is not None:
        return None
    if not SocialAccount.objects.filter(site=site).exists():
        return None
    warned = (
        user.is_superuser
        or user.school_memberships.filter(site=site, role__in=WARNED).exists()
    )
    return NoPolicyPanel(site=site) if warned else None
