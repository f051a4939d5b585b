"""The Mentions screen in the admin menu, for those who may see it at their school."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from schools.current import school_for_request

from . import access
from . import urls as mention_urls


class MentionsMenuItem(MenuItem):
    def is_shown(self, request):
        site = school_for_request(request)
        return site is not None and access.sees_mentions(request.user, site)


@hooks.register("register_admin_menu_item")
def register_mentions_menu_item():
    return MentionsMenuItem(
        gettext_lazy("Mentions"),
        reverse("mentions:list"),
        icon_name="search",
        order=845,
    )


@hooks.register("register_admin_urls")
def register_mentions_urls():
    return [path("mentions/", include(mention_urls, namespace="mentions"))]
