"""Dashboard panel: overdue incidents (M2), urgent escalations (I2) and blocks due
for review (I3), for the people who must act on them."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.ui.components import Component

from moderation.models import BlockedAccount, IncidentCategory

from . import access


class IncidentsPanel(Component):
    name = "incidents"
    order = 80
    template_name = "moderation/incidents/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        visible = access.incidents_visible_to(self.user).select_related("owner")
        reader = access.is_incident_reader(self.user)
        overdue = visible.overdue(at=now)
        if not reader:
            overdue = overdue.filter(owner=self.user)
        urgent = (
            visible.open()
            .filter(category=IncidentCategory.THREAT_OR_HATE, status="new")
            .order_by("reported_at")
            if reader
            else visible.none()
        )
        reviews = (
            BlockedAccount.objects.review_due(on=timezone.localdate(now))
            if reader
            else BlockedAccount.objects.none()
        )
        return {
            "overdue": list(overdue.order_by("response_due_at")[:20]),
            "urgent": list(urgent[:20]),
            "reviews": list(reviews[:20]),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not any(context.values()):
            return ""
        return super().render_html(parent_context)
