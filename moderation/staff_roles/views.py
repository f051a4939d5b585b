"""Wagtail's staff and role screens with sensitive roles guarded, and the page where
the DSL or the headteacher confirms a request to join one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail.users.forms import GroupForm
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users

from moderation.models import RoleGrant
from moderation.roles import SAFEGUARDING_MODELS, SENSITIVE_ROLES

from .code import role_code_ask, role_code_is_ready
from .selectors import (
    RoleChange,
    is_role_guardian,
    may_decide_role_grant,
    role_change_between,
    role_grants_waiting,
)
from .services import (
    RoleGrantNotAllowed,
    role_change_record,
    role_grant_confirm,
    role_grant_refuse,
)

TEMPLATE = "moderation/staff_roles/requests.html"


class RoleChangeFormMixin:
    """Route a user form's sensitive role changes through ``role_change_record``."""

    role_change: RoleChange = RoleChange()

    def _saved_member(self):
        return None

    def form_valid(self, form):
        data = form.cleaned_data
        change = role_change_between(
            actor=self.request.user,
            member=self._saved_member(),
            groups=data.get("groups") if "groups" in form.fields else None,
            is_superuser=data.get("is_superuser")
            if "is_superuser" in form.fields
            else None,
        )
        if change.is_sensitive and not role_code_is_ready(self.request):
            return role_code_ask(self.request)
        if "groups" in form.fields:
            data["groups"] = list(change.keep_groups)
        self.role_change = change
        response = super().form_valid(form)
        if change.held:
            roles = ", ".join(group.name for group in change.held)
            messages.warning(
                self.request,
                f"You cannot give yourself {roles}: your request is waiting for the "
                "designated safeguarding lead or the headteacher to confirm it, and "
                "they have been told. Your other changes were saved.",
            )
        return response

    def save_instance(self):
        instance = super().save_instance()
        role_change_record(
            actor=self.request.user,
            member=instance,
            change=self.role_change,
            request=self.request,
        )
        return instance


class UserCreateView(RoleChangeFormMixin, wagtail_users.CreateView):
    pass


class UserEditView(RoleChangeFormMixin, wagtail_users.EditView):
    def _saved_member(self):
        return self.object


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = UserCreateView
    edit_view_class = UserEditView


class RoleGroupForm(GroupForm):
    """Incident access and approval go by these names: a rename would hand them on."""

    def clean_name(self):
        name = super().clean_name()
        old = self.instance.name if self.instance.pk else None
        if old in SENSITIVE_ROLES and name != old:
            raise ValidationError(
                f"“{old}” cannot be renamed: the name is what decides who may see "
                "safeguarding information or approve what the school publishes."
            )
        return name

    def clean(self):
        """Rights over the consent register stay with the sensitive roles.

        A form-wide error, so that Wagtail shows it at the top of the page (the
        permission tables show no errors of their own).
        """
        cleaned = super().clean()
        permissions = cleaned.get("permissions")
        if permissions is None or self.instance.name in SENSITIVE_ROLES:
            return cleaned
        before = set(self.instance.permissions.all()) if self.instance.pk else set()
        opening = sorted(
            permission.name
            for permission in permissions
            if permission not in before
            and f"{permission.content_type.app_label}.{permission.content_type.model}"
            in SAFEGUARDING_MODELS
        )
        if opening:
            raise ValidationError(
                f"{'; '.join(opening)}: these open the consent register's "
                "safeguarding information, which only the "
                f"{', '.join(SENSITIVE_ROLES)} roles hold. Add the person to one of "
                "those roles instead (the DSL and the headteacher are told)."
            )
        return cleaned


class RoleGroupDeleteView(wagtail_groups.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.name in SENSITIVE_ROLES:
            messages.error(
                request,
                f"“{self.object.name}” cannot be deleted: it decides who may see "
                "safeguarding information or approve what the school publishes. "
                "Remove people from it one by one instead.",
            )
            return redirect("wagtailusers_groups:edit", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class GroupViewSet(wagtail_groups.GroupViewSet):
    delete_view_class = RoleGroupDeleteView

    def get_form_class(self, for_update=False):
        return RoleGroupForm


def _may_see_requests(user) -> bool:
    return user.is_superuser or is_role_guardian(user)


def role_requests(request: HttpRequest) -> HttpResponse:
    """Requests to join a sensitive role: the DSL or head confirms or refuses."""
    if not _may_see_requests(request.user):
        raise PermissionDenied
    waiting = [
        (grant, may_decide_role_grant(user=request.user, grant=grant))
        for grant in role_grants_waiting()
    ]
    decided = RoleGrant.objects.exclude(status=RoleGrant.Status.WAITING).select_related(
        "member", "group", "requested_by", "decided_by"
    )[:20]
    return render(request, TEMPLATE, {"waiting": waiting, "decided": decided})


@require_POST
def role_request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm (with a new code) or refuse one waiting request."""
    grant = get_object_or_404(RoleGrant, pk=pk)
    if not may_decide_role_grant(user=request.user, grant=grant):
        messages.error(
            request,
            "Only the designated safeguarding lead or the headteacher may decide "
            "this request, and not one that is their own.",
        )
        return redirect("staff_roles:requests")
    try:
        if decision == "confirm":
            if not role_code_is_ready(request):
                return role_code_ask(request)
            role_grant_confirm(grant=grant, actor=request.user, request=request)
            messages.success(
                request, f"{grant.member} now holds the {grant.group} role."
            )
        else:
            role_grant_refuse(grant=grant, actor=request.user)
            messages.success(
                request, f"{grant.member} was not given the {grant.group} role."
            )
    except RoleGrantNotAllowed as error:
        messages.error(request, str(error))
    return redirect("staff_roles:requests")
