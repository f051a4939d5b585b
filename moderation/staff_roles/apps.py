"""Wagtail's users app, with the staff and group screens that guard sensitive roles.

Replaces ``wagtail.users`` in ``INSTALLED_APPS`` (Wagtail's documented way to
customise its user and group views).
"""

from wagtail.users.apps import WagtailUsersAppConfig


class StaffUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "moderation.staff_roles.views.UserViewSet"
    group_viewset = "moderation.staff_roles.views.GroupViewSet"
