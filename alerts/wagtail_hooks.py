"""Admin wiring for email updates: the office's screens and their menu items."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import office_views
from .review import review_section

office_patterns = (
    [
        path("", office_views.where_alerts_went, name="where_alerts_went"),
        path("families/", office_views.subscribers, name="subscribers"),
        path("families/<int:pk>/", office_views.subscriber_detail, name="detail"),
        path(
            "families/<int:pk>/export/", office_views.subscriber_export, name="export"
        ),
        path(
            "families/<int:pk>/delete/", office_views.subscriber_delete, name="delete"
        ),
    ],
    "alerts_office",
)


@hooks.register("register_admin_urls")
def register_office_urls():
    return [path("email-updates/", include(office_patterns))]


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(office_views.PERMISSION)


@hooks.register("register_reports_menu_item")
def register_where_alerts_went():
    return MenuItem(
        _("Email updates sent"),
        reverse("alerts_office:where_alerts_went"),
        icon_name="mail",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def register_families():
    return OfficeMenuItem(
        _("Email update families"),
        reverse("alerts_office:subscribers"),
        icon_name="group",
        order=960,
    )


# The review screen's section on the email each family will get (moderation's hook).
hooks.register("review_screen_sections", review_section)
