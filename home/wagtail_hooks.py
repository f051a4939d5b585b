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


#: Wagtail's settings the school never changes from the menu. The approval workflow
#: is made by a migration and set by ``MODERATION_SENIOR_APPROVAL_PAGE_TYPES``;
#: editing its steps could let a page go live without a second person (P1).
#: Collections would split the one consent-tagged media library into folders with
#: their own permissions, which no school screen or rule reads.
HIDDEN_SETTINGS = frozenset({"workflows", "workflow-tasks", "collections"})


@hooks.register("construct_settings_menu")
def hide_settings_the_school_does_not_change(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_SETTINGS]


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


@hooks.register("insert_global_admin_js")
def name_admin_dialogs_js():
    """Names each chooser dialog by its heading (accessibility; no behaviour)."""
    return format_html(
        '<script src="{}" defer></script>', static("site/admin_dialogs.js")
    )
