"""Admin wiring for sensitive roles: the requests page, its menu item, audit-log
actions and the guarded "Assign role" bulk action."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import audit, urls
from .bulk_actions import GuardedAssignRoleBulkAction
from .selectors import is_role_guardian


@hooks.register("register_admin_urls")
def register_role_request_urls():
    return [path("role-requests/", include(urls, namespace="staff_roles"))]


@hooks.register("register_log_actions")
def register_role_log_actions(actions):
    audit.register_actions(actions)


class RoleRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or is_role_guardian(request.user)


@hooks.register("register_settings_menu_item")
def register_role_requests_menu_item():
    return RoleRequestsMenuItem(
        "Role requests",
        reverse("staff_roles:requests"),
        icon_name="group",
        order=610,
    )


# After Wagtail's own (order 0): the registry keeps the last action of a type.
hooks.register("register_bulk_action", GuardedAssignRoleBulkAction, order=1)
