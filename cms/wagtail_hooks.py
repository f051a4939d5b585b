"""Admin for the school calendar: the calendar-file import, "school reopened"."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from .admin_views import ImportTermDatesView, NoticeReopenedView
from .models import NoticePage


@hooks.register("register_admin_urls")
def register_term_dates_urls():
    return [
        path(
            "term-dates/import/",
            ImportTermDatesView.as_view(),
            name="cms_import_term_dates",
        ),
        path(
            "notices/<int:pk>/reopened/",
            NoticeReopenedView.as_view(),
            name="cms_notice_reopened",
        ),
    ]


@hooks.register("register_page_header_buttons")
def reopened_button(page, user, view_name, next_url=None):
    """On a live closure or urgent notice: "School has reopened"."""
    specific = page.specific_deferred
    if (
        isinstance(specific, NoticePage)
        and specific.live
        and specific.shows_first
        and page.permissions_for_user(user).can_unpublish()
    ):
        yield Button(
            "School has reopened",
            reverse("cms_notice_reopened", args=[page.pk]),
            icon_name="tick",
            priority=5,
        )


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, perms: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.perms = perms

    def is_shown(self, request):
        return request.user.has_perms(self.perms)


@hooks.register("register_admin_menu_item")
def register_import_term_dates_menu_item():
    return PermittedMenuItem(
        "Import term dates",
        reverse("cms_import_term_dates"),
        icon_name="date",
        order=310,
        perms=("cms.add_termdate", "cms.change_termdate"),
    )
