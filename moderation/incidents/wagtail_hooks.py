"""Admin wiring for incidents: URLs, the menu, audit-log actions, the dashboard."""

from __future__ import annotations

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from moderation.awaiting import AWAITING_HOOK

from . import access, audit, urls
from .blocked_views import BlockedAccountViewSet
from .panels import IncidentsPanel, blocks_to_review, takedowns_to_decide

blocked_accounts_viewset = BlockedAccountViewSet()


@hooks.register("register_admin_urls")
def register_incident_urls():
    return [
        path("incidents/takedowns/", include(urls.takedown_patterns)),
        path("incidents/", include(urls.incident_patterns)),
    ]


@hooks.register("register_admin_viewset")
def register_blocked_accounts():
    return blocked_accounts_viewset


class ReaderMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_incident_reader(request.user)


incidents_menu = Menu(
    register_hook_name="register_incidents_menu_item", construct_hook_name=None
)


@hooks.register("register_incidents_menu_item")
def register_incident_list_item():
    return MenuItem(
        "Incidents", reverse("incidents:index"), icon_name="warning", order=100
    )


@hooks.register("register_incidents_menu_item")
def register_takedown_item():
    return MenuItem(
        "Takedown requests", reverse("takedowns:index"), icon_name="bin", order=200
    )


@hooks.register("register_incidents_menu_item")
def register_blocked_accounts_item():
    return ReaderMenuItem(
        "Blocked accounts",
        reverse("blocked_accounts:index"),
        icon_name="cross",
        order=300,
    )


@hooks.register("register_admin_menu_item")
def register_incidents_menu():
    return SubmenuMenuItem("Incidents", incidents_menu, icon_name="warning", order=950)


@hooks.register("register_log_actions")
def register_incident_log_actions(actions):
    for action, (label, message) in audit.ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("construct_homepage_panels")
def add_incidents_panel(request, panels_list):
    panels_list.append(IncidentsPanel(request.user))


hooks.register(AWAITING_HOOK, takedowns_to_decide)
hooks.register(AWAITING_HOOK, blocks_to_review)
