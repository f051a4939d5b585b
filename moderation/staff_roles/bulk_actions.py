"""Wagtail's "Assign role" bulk action, through the same rules as the user form."""

from __future__ import annotations

from django.utils.translation import ngettext
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction

from .code import role_code_ask, role_code_is_ready
from .selectors import sensitive_groups
from .services import role_assign


class GuardedAssignRoleBulkAction(AssignRoleBulkAction):
    """Audited, code-checked and never self-granting for sensitive roles."""

    def form_valid(self, form):
        role = form.cleaned_data["role"]
        if sensitive_groups().filter(pk=role.pk).exists() and not role_code_is_ready(
            self.request
        ):
            return role_code_ask(self.request)
        return super().form_valid(form)

    def get_execution_context(self):
        return {**super().get_execution_context(), "request": self.request}

    @classmethod
    def execute_action(cls, objects, role=None, request=None, **kwargs):
        if role is None:
            return None
        added, held = role_assign(
            actor=request.user, members=objects, group=role, request=request
        )
        return added, held

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "%(count)d user has been assigned as %(role)s",
            "%(count)d users have been assigned as %(role)s",
            num_parent_objects,
        ) % {
            "count": num_parent_objects,
            "role": self.cleaned_form.cleaned_data["role"].name,
        }
        if num_child_objects:
            message += (
                "; your own account waits for the designated safeguarding lead or "
                "the headteacher to confirm it"
            )
        return message
