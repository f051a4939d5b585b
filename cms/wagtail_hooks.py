"""Admin for the term calendar: the calendar-file import."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ImportTermDatesView


@hooks.register("register_admin_urls")
def register_term_dates_urls():
    return [
        path(
            "term-dates/import/",
            ImportTermDatesView.as_view(),
            name="cms_import_term_dates",
        )
    ]


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
