"""Who may decide on a revision, and when a page needs senior approval (P1).

Reads only: the tasks and the services ask these questions before any state changes.
"""

from collections.abc import Iterable

from django.conf import settings
from wagtail.models import (
    Revision,
    Task,
    TaskState,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

SENSITIVE_SETTING = "MODERATION_SENIOR_APPROVAL_PAGE_TYPES"


def involved_user_ids(obj, *, workflow_state: WorkflowState | None = None) -> set[int]:
    """Ids of everyone with a hand in the revision awaiting a decision on ``obj``.

    That is whoever saved a revision since the last publication (the author and any
    co-editor), whoever submitted it, and whoever already approved an earlier step of
    the same workflow run, so that two approvals are always two different people (P1).

    Args:
        obj: the page (or snippet) in moderation.
        workflow_state: the workflow run; the object's current one when None.
    """
    revisions = Revision.objects.for_instance(obj)
    live_revision_id = getattr(obj, "live_revision_id", None)
    if live_revision_id:
        revisions = revisions.filter(pk__gt=live_revision_id)
    ids = set(revisions.exclude(user__isnull=True).values_list("user_id", flat=True))
    workflow_state = workflow_state or obj.current_workflow_state
    if workflow_state is not None:
        if workflow_state.requested_by_id:
            ids.add(workflow_state.requested_by_id)
        ids.update(
            workflow_state.task_states.filter(
                status=TaskState.STATUS_APPROVED, finished_by__isnull=False
            ).values_list("finished_by_id", flat=True)
        )
    return ids


def sensitive_page_types() -> list[str]:
    """The configured sensitive types: "app.Model" or "app.Model:kind" entries."""
    return list(getattr(settings, SENSITIVE_SETTING, []))


def is_sensitive(page) -> bool:
    """True when ``page`` needs a second, senior-leadership approval.

    ``MODERATION_SENIOR_APPROVAL_PAGE_TYPES = ["cms.NoticePage:urgent"]`` makes urgent
    notices sensitive; ``"cms.NoticePage"`` alone would make every notice sensitive.
    """
    specific = page.specific
    if getattr(specific, "always_needs_senior_approval", False):
        return True  # a trust's notice to all its schools, whatever the setting
    label = specific._meta.label
    kind = getattr(specific, "kind", None)
    for entry in sensitive_page_types():
        model_label, _, wanted_kind = entry.partition(":")
        if model_label.lower() != label.lower():
            continue
        if not wanted_kind or wanted_kind == kind:
            return True
    return False


def _active_approval_tasks(workflow: Workflow, *, excluding=None) -> Iterable:
    from moderation.models import ApprovalTask

    tasks = ApprovalTask.objects.filter(
        workflow_tasks__workflow=workflow, active=True, sensitive_content_only=False
    )
    if excluding is not None:
        tasks = tasks.exclude(pk=excluding.pk)
    return tasks


def workflow_problems(workflow: Workflow) -> list[str]:
    """What stops ``workflow`` from being a safe route to publication, if anything.

    Wagtail skips disabled tasks and finishes a workflow with no task left by
    publishing, so a workflow without an active approval step must never run.
    """
    if not _active_approval_tasks(workflow).exists():
        return [
            f"The workflow '{workflow.name}' has no active approval step, so nobody "
            "could approve this page. An administrator must add one; nothing was "
            "published."
        ]
    return []


def workflows_left_without_approval(*, disabling) -> list[Workflow]:
    """Active workflows that would have no approval step once ``disabling`` is off."""
    return [
        workflow
        for workflow in Workflow.objects.active().filter(workflow_tasks__task=disabling)
        if not _active_approval_tasks(workflow, excluding=disabling).exists()
    ]


def approval_publishes(*, task_state: TaskState, page) -> bool:
    """Whether approving ``task_state`` publishes ``page``, or another approval follows.

    True when every later active step of the workflow is a senior-leadership step
    that ``page`` skips (it is not sensitive); the review screen's button and the
    words under it say which (P1).
    """
    workflow = task_state.workflow_state.workflow
    step = WorkflowTask.objects.filter(
        workflow=workflow, task_id=task_state.task_id
    ).first()
    if step is None:
        return True
    later = Task.objects.filter(
        workflow_tasks__workflow=workflow,
        workflow_tasks__sort_order__gt=step.sort_order,
        active=True,
    )
    sensitive = is_sensitive(page)
    return all(
        getattr(task.specific, "sensitive_content_only", False) and not sensitive
        for task in later
    )
