"""The admin as the school's own: no links out to Wagtail's help and release notes.

The title, crest and dashboard heading are template overrides beside this app
(``templates/wagtailadmin/``); Wagtail finds them first because ``home`` comes before
``wagtail.admin`` in ``INSTALLED_APPS``.
"""

from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from wagtail import hooks

from home.closure_shortcut import NewClosureView
from home.dashboard import QuickActionsPanel


@hooks.register("construct_main_menu")
def hide_wagtail_help_menu(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != "help"]


@hooks.register("insert_global_admin_css")
def school_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("site/admin.css"))


@hooks.register("construct_homepage_panels")
def school_dashboard_panels(request, panels):
    """Quick actions first; Wagtail's own approval lists give way to the school's.

    Wagtail's "Awaiting your review" and "Your pages in moderation" link to its
    in-editor approval, which this school replaces with the review screen; the
    moderation panel lists the same pages with the right links.
    """
    replaced = {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation"}
    panels[:] = [
        panel for panel in panels if getattr(panel, "name", "") not in replaced
    ]
    panels.append(QuickActionsPanel(request))


@hooks.register("register_admin_urls")
def register_closure_shortcut_url():
    return [
        path(
            "notices/<int:parent_page_id>/new-closure/",
            NewClosureView.as_view(),
            name="school_new_closure",
        )
    ]
