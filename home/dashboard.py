"""The dashboard's first panel: one click to the form a teacher came for.

"Write news", "Post a notice" and "Urgent closure" open the add-page form under the
school's news or notices section directly, instead of four clicks through the page
tree. Each is shown only to staff allowed to add pages there. Each opens a form the
server has already filled in as the shortcut says (``closure_shortcut``): no
shortcut relies on a script to set what the form means.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from cms.models import NewsIndexPage, NoticeIndexPage
from schools.current import school_for_request


@dataclass(frozen=True)
class QuickAction:
    label: str
    description: str
    url: str
    urgent: bool = False


def quick_actions(*, user, site: Site | None) -> list[QuickAction]:
    """The add-page links ``user`` may use, under ``site``'s own sections."""
    if site is None:
        return []
    root = site.root_page
    actions = []
    news = NewsIndexPage.objects.descendant_of(root).order_by("path").first()
    if news and news.permissions_for_user(user).can_add_subpage():
        actions.append(
            QuickAction(
                label=_("Write news"),
                description=_("A story for the website and the school's accounts"),
                url=reverse(
                    "wagtailadmin_pages:add", args=("cms", "newspage", news.pk)
                ),
            )
        )
    notices = NoticeIndexPage.objects.descendant_of(root).order_by("path").first()
    if notices and notices.permissions_for_user(user).can_add_subpage():
        add_notice = reverse(
            "wagtailadmin_pages:add", args=("cms", "noticepage", notices.pk)
        )
        actions.append(
            QuickAction(
                label=_("Post a notice"),
                description=_("A short message for parents, e.g. a trip reminder"),
                url=add_notice,
            )
        )
        actions.append(
            QuickAction(
                label=_("Urgent closure"),
                description=_("The school is closed: pinned at the top of every page"),
                url=reverse("school_new_closure", args=(notices.pk,)),
                urgent=True,
            )
        )
    return actions


class QuickActionsPanel(Component):
    name = "school_quick_actions"
    order = 10
    template_name = "home/admin/quick_actions_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        site = school_for_request(self.request)
        return {"actions": quick_actions(user=self.request.user, site=site)}
