"""The admin as the school's own: no links out to Wagtail's help and release notes.

The title, crest and dashboard heading are template overrides beside this app
(``templates/wagtailadmin/``); Wagtail finds them first because ``home`` comes before
``wagtail.admin`` in ``INSTALLED_APPS``.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("construct_main_menu")
def hide_wagtail_help_menu(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != "help"]


@hooks.register("insert_global_admin_css")
def school_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("site/admin.css"))
