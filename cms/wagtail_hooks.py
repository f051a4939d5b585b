"""Admin for the school calendar: the calendar-file import, "school reopened"."""

from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from .admin_views import (
    ImportTermDatesView,
    NoticeReopenedView,
    RescheduleToMonitoredHoursView,
)
from .models import NoticePage
from .out_of_hours import out_of_hours


@hooks.register("register_admin_urls")
def register_term_dates_urls():
    return [
        path(
            "term-dates/import/",
            ImportTermDatesView.as_view(),
            name="cms_import_term_dates",
        ),
        path(
            "pages/<int:pk>/watched-hours/",
            RescheduleToMonitoredHoursView.as_view(),
            name="cms_reschedule_to_monitored_hours",
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


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_when_going_live_out_of_hours(request, page):
    """Scheduled outside the monitoring hours or in a holiday: say so, offer a slot."""
    draft = page.get_latest_revision_as_object()
    warning = out_of_hours(draft.go_live_at, now=timezone.now())
    if warning is None:
        return
    when = timezone.localtime(warning.next_read)
    admin_messages.warning(
        request,
        warning.message,
        buttons=[
            admin_messages.button(
                reverse("cms_reschedule_to_monitored_hours", args=[page.pk]),
                f"Go live on {when:%A %d %B at %H:%M} instead",
            )
        ],
    )
