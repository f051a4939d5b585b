"""Dashboard: overdue incidents (M2) and urgent escalations (I2) in their own panel;
takedown requests (I4) and blocks due for review (I3) in "Waiting for me"
(``moderation.awaiting``), for the people who must decide them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from moderation.awaiting import AwaitingDecision
from moderation.models import BlockedAccount, IncidentCategory, TakedownRequest

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
        return {
            "overdue": list(overdue.order_by("response_due_at")[:20]),
            "urgent": list(urgent[:20]),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not any(context.values()):
            return ""
        return super().render_html(parent_context)


def takedowns_to_decide(user) -> list[AwaitingDecision]:
    """Takedown requests nobody has acted on, for approvers (who act on them)."""
    if not access.can_act_on_takedowns(user):
        return []
    return [
        AwaitingDecision(
            action=f"Decide on takedown request {takedown.pk}",
            url=reverse("takedowns:detail", args=[takedown.pk]),
            detail=f"asked by {takedown.requester_name}",
            since=takedown.received_at,
        )
        for takedown in TakedownRequest.objects.filter(
            outcome="",
            incident__site_id__in=[
                site_id
                for site_id in access.school_ids(user)
                if access.can_act_on_takedowns(user, site_id)
            ],
        ).order_by("received_at")[:20]
    ]


def blocks_to_review(user) -> list[AwaitingDecision]:
    """Blocked accounts whose review date has come: keep the block or lift it (I3)."""
    if not access.is_incident_reader(user):
        return []
    return [
        AwaitingDecision(
            action=f"Review the block on {blocked}",
            url=reverse("blocked_accounts:edit", args=[blocked.pk]),
            detail="Blocked account due for review on "
            f"{blocked.review_on.day} {blocked.review_on:%B %Y}",
        )
        for blocked in BlockedAccount.objects.review_due(on=timezone.localdate())[:20]
    ]
