"""Reads for the moderation dashboard."""

from django.db.models import Q
from wagtail.models import Page, TaskState, WorkflowState

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


def drafts_of_author(user, *, limit: int = 20) -> list[Page]:
    """Pages ``user`` owns or last edited whose latest changes are not live yet."""
    return list(
        Page.objects.filter(has_unpublished_changes=True)
        .filter(Q(owner=user) | Q(latest_revision__user=user))
        .exclude(depth__lte=1)
        .select_related("latest_revision")
        .order_by("-latest_revision_created_at")[:limit]
    )
