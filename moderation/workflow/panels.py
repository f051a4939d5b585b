"""Dashboard panel: what waits for each approver, and where each author's pages are."""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState

from moderation.workflow import selectors


class ModerationPanel(Component):
    name = "moderation_two_person"
    order = 90
    template_name = "moderation/workflow/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        awaiting = [
            {
                "title": task_state.revision.object_str,
                "task": task_state.task.name,
                "submitted_by": task_state.workflow_state.requested_by,
                "since": task_state.started_at,
                "review_url": reverse(
                    "moderation_workflow:review", args=(task_state.pk,)
                ),
            }
            for task_state in selectors.task_states_awaiting(self.user)
        ]
        mine = [
            {
                "title": workflow_state.content_object.get_admin_display_title()
                if isinstance(workflow_state.content_object, Page)
                else str(workflow_state.content_object),
                "status": _status_for_author(workflow_state),
                "comment": workflow_state.current_task_state.comment
                if workflow_state.current_task_state
                else "",
            }
            for workflow_state in selectors.workflow_states_of_author(self.user)
        ]
        return {"awaiting": awaiting, "mine": mine}


def _status_for_author(workflow_state: WorkflowState) -> str:
    task_state = workflow_state.current_task_state
    if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "Sent back for changes"
    if task_state and task_state.status == TaskState.STATUS_IN_PROGRESS:
        return f"Waiting for {task_state.task.name}"
    return workflow_state.get_status_display()
