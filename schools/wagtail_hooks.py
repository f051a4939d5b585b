"""The school switcher in the admin: its address, and a menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .current import school_for_request, schools_for_user
from .scoping import school_pages


@hooks.register("register_admin_urls")
def register_work_in_url():
    return [path("schools/work-in/", views.work_in, name="schools_work_in")]


class SchoolSwitcherMenuItem(MenuItem):
    def is_shown(self, request):
        return schools_for_user(request.user)[:2].count() > 1


@hooks.register("register_admin_menu_item")
def register_school_switcher():
    return SchoolSwitcherMenuItem(
        _("Your schools"), reverse("schools_work_in"), icon_name="site", order=50
    )


@hooks.register("construct_page_chooser_queryset")
def pages_of_the_school(pages, request):
    """The page chooser (links, "choose a page") offers the current school's pages
    (in each of its languages).

    Wagtail's chooser otherwise browses and searches the whole tree, every school's.
    """
    return school_pages(pages, school_for_request(request))
