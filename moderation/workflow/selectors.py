"""Reads for the moderation dashboard."""

from wagtail.models import TaskState, WorkflowState

from moderation.models import ApprovalTask, ApprovalTaskState


def task_states_awaiting(user) -> list[ApprovalTaskState]:
    """Approval steps in progress that ``user`` may decide, oldest first (P1)."""
    states = ApprovalTaskState.objects.none()
    for task in ApprovalTask.objects.filter(active=True):
        states = states | task.get_task_states_user_can_moderate(user)
    return list(
        ApprovalTaskState.objects.filter(
            pk__in=states.values("pk"), status=TaskState.STATUS_IN_PROGRESS
        )
        .select_related("revision", "task", "workflow_state__requested_by")
        .order_by("started_at")
    )


def workflow_states_of_author(user) -> list[WorkflowState]:
    """The workflow runs ``user`` started that are still open, newest first."""
    return list(
        WorkflowState.objects.active()
        .filter(requested_by=user)
        .select_related("current_task_state__task")
        .order_by("-created_at")
    )
