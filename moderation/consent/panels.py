"""Dashboard panel: the consent register's everyday tasks, one step from sign-in.

The designated safeguarding lead and consent officer open the admin to find a
learner, withdraw consent when a parent asks, import the register from the school's
management information system, or check the do-not-publish list (C1, C2). Readers
of the register (senior leadership) get the look-ups; only those who may change it
get withdraw and import.
"""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.ui.components import Component

from .selectors import can_view_register


class ConsentShortcutsPanel(Component):
    name = "consent_shortcuts"
    order = 15
    template_name = "moderation/consent/shortcuts_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        may_change = self.user.has_perm("moderation.add_consentrecord")
        return {
            "find_url": reverse("learners:index"),
            "withdraw_url": reverse("learners:withdraw_find") if may_change else "",
            "import_url": reverse("learners:import")
            if self.user.has_perm("moderation.add_learner")
            else "",
            "do_not_publish_url": reverse("learners:index") + "?status=do_not_publish",
        }

    def render_html(self, parent_context=None):
        if not can_view_register(self.user):
            return ""
        return super().render_html(parent_context)
