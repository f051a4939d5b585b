"""The dashboard panel: the head's whole checklist at a glance, an owner's own items."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .checklist import school_checklist
from .models import StatutorySettings
from .views import VIEW_PERMISSION, current_school


class StatutoryPanel(Component):
    name = "statutory_information"
    order = 160
    template_name = "cms/statutory/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def is_shown(self) -> bool:
        site = current_school(self.request)
        return bool(StatutorySettings.for_site(site).school_type)

    def get_context_data(self, parent_context=None):
        user = self.request.user
        checklist = school_checklist(
            current_school(self.request), today=timezone.localdate()
        )
        whole = user.has_perm(VIEW_PERMISSION)
        rows = (
            checklist.needing_attention()
            if whole
            else [row for row in checklist.rows if row.record and row.owner == user]
        )
        return {
            "whole": whole,
            "counts": checklist.counts,
            "rows": rows,
        }


def statutory_panel_for(request) -> StatutoryPanel | None:
    """The panel, for someone who sees the checklist or owns an item; else None."""
    panel = StatutoryPanel(request)
    if not panel.is_shown():
        return None
    if request.user.has_perm(VIEW_PERMISSION):
        return panel
    site = current_school(request)
    owns = site.statutory_records.filter(owner=request.user).exists()
    return panel if owns else None
