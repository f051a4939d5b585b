"""Who approves publication, changed from Wagtail's workflow screens (issue 21).

Naming a group in an approval step makes its members approvers, as surely as adding
them to a role. Changing an approval step's groups, which steps a workflow runs, or
disabling a workflow or an approval step (or enabling a step again) is audited naming
the groups, needs a fresh code used once and tells the DSL and the headteacher at once.
Wagtail offers no view hooks for its workflow screens, so these subclasses answer at
Wagtail's own addresses (mounted before Wagtail's admin in ``config/urls.py``, as the
spreadsheet exports are).

A superuser's change here is not held for a second person: a waiting request names
one member and one role, and a change to an approval step names neither.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import workflows as wagtail_workflows
from wagtail.models import Task
from wagtail.utils.urlpatterns import decorate_urlpatterns

from moderation.models import ApprovalTask

from . import audit
from .code import role_code_ask, role_code_is_ready, role_code_spend
from .notifications import approvers_change_send


def approver_groups(tasks: Iterable[Task]) -> set[Group]:
    """The groups that the active approval steps among ``tasks`` name."""
    steps = ApprovalTask.objects.filter(pk__in=[task.pk for task in tasks], active=True)
    return set(Group.objects.filter(approvaltask__in=steps))


def _names(groups: Iterable[Group]) -> tuple[str, ...]:
    return tuple(sorted(group.name for group in groups))


class ApproverChangeMixin:
    """Refuse without a fresh code, then audit and tell, when approvers change.

    Subclasses say which groups approve before (``approvers_before``) and after the
    submitted form (``approvers_after``), and what the change is on (``subject``).
    """

    def approvers_before(self) -> set[Group]:
        raise NotImplementedError

    def approvers_after(self, form) -> set[Group]:
        raise NotImplementedError

    def subject(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        before = self.approvers_before()
        after = self.approvers_after(form)
        added, removed = _names(after - before), _names(before - after)
        if not (added or removed):
            return super().form_valid(form)
        if not role_code_is_ready(self.request):
            return role_code_ask(self.request)
        with transaction.atomic():
            response = super().form_valid(form)
            approvers_change_record(
                request=self.request,
                instance=self.object,
                subject=self.subject(),
                added=added,
                removed=removed,
            )
        return response


def approvers_change_record(
    *, request, instance, subject: str, added: tuple[str, ...], removed: tuple[str, ...]
) -> None:
    """Audit the change on ``instance``, tell the DSL and head, and spend the code."""
    audit.approvers_log(
        instance=instance,
        actor=request.user,
        subject=subject,
        added=added,
        removed=removed,
    )
    approvers_change_send(
        actor=request.user, subject=subject, added=added, removed=removed
    )
    role_code_spend(request)


class ApprovalTaskEditView(ApproverChangeMixin, wagtail_workflows.EditTask):
    def approvers_before(self):
        return approver_groups([self.object])

    def approvers_after(self, form):
        if not isinstance(self.object, ApprovalTask) or not self.object.active:
            return self.approvers_before()
        return set(form.cleaned_data["groups"])

    def subject(self):
        return f"the approval step “{self.object.name}”"


class ApprovalTaskCreateView(ApproverChangeMixin, wagtail_workflows.CreateTask):
    def approvers_before(self):
        return set()

    def approvers_after(self, form):
        if not issubclass(self.model, ApprovalTask):
            return set()
        return set(form.cleaned_data.get("groups") or ())

    def subject(self):
        return f"the new approval step “{self.object.name}”"


class WorkflowEditView(ApproverChangeMixin, wagtail_workflows.Edit):
    def approvers_before(self):
        if not self.object.active:
            return set()
        return approver_groups(self.object.tasks.all())

    def approvers_after(self, form):
        if not self.object.active:
            return set()
        formset = form.formsets["workflow_tasks"]
        tasks = [
            sub.cleaned_data["task"]
            for sub in formset.forms
            if sub.cleaned_data.get("task") and not sub.cleaned_data.get("DELETE")
        ]
        return approver_groups(tasks)

    def subject(self):
        return f"the workflow “{self.object.name}”"


class ApproversDisableMixin:
    """Disabling a workflow or an approval step takes its groups off approving, and
    lets pages waiting on it publish without them: guarded like any other change."""

    def form_valid(self, form):
        removed = _names(self.approvers_disabled()) if self.object.active else ()
        if not removed:
            return super().form_valid(form)
        if not role_code_is_ready(self.request):
            return role_code_ask(self.request)
        with transaction.atomic():
            response = super().form_valid(form)
            approvers_change_record(
                request=self.request,
                instance=self.object,
                subject=f"{self.subject()} (disabled)",
                added=(),
                removed=removed,
            )
        return response


class WorkflowDisableView(ApproversDisableMixin, wagtail_workflows.Disable):
    def approvers_disabled(self) -> set[Group]:
        return approver_groups(self.object.tasks.all())

    def subject(self) -> str:
        return f"the workflow “{self.object.name}”"


class ApprovalTaskDisableView(ApproversDisableMixin, wagtail_workflows.DisableTask):
    def approvers_disabled(self) -> set[Group]:
        return approver_groups([self.object])

    def subject(self) -> str:
        return f"the approval step “{self.object.name}”"


@require_POST
def approval_task_enable(request: HttpRequest, pk: int) -> HttpResponse:
    """Wagtail's "Enable" on a task: an approval step's groups approve again."""
    task = get_object_or_404(Task, pk=pk)
    added = () if task.active else _names(Group.objects.filter(approvaltask=task))
    if not added:
        return wagtail_workflows.enable_task(request, pk)
    if not role_code_is_ready(request):
        return role_code_ask(request)
    with transaction.atomic():
        response = wagtail_workflows.enable_task(request, pk)
        approvers_change_record(
            request=request,
            instance=task.specific,
            subject=f"the approval step “{task.name}” (enabled)",
            added=added,
            removed=(),
        )
    return response


def workflow_urlpatterns() -> list[URLPattern]:
    """The guarded views at Wagtail's workflow addresses (URL names stay Wagtail's)."""
    base = "workflows/"
    patterns = [
        path(f"{base}edit/<int:pk>/", WorkflowEditView.as_view()),
        path(f"{base}disable/<int:pk>/", WorkflowDisableView.as_view()),
        path(f"{base}tasks/edit/<int:pk>/", ApprovalTaskEditView.as_view()),
        path(f"{base}tasks/disable/<int:pk>/", ApprovalTaskDisableView.as_view()),
        path(f"{base}tasks/enable/<int:pk>/", approval_task_enable),
        path(
            f"{base}tasks/add/<str:app_label>/<str:model_name>/",
            ApprovalTaskCreateView.as_view(),
        ),
    ]
    return decorate_urlpatterns(patterns, require_admin_access)
