"""Dashboard panel: what waits for me, and where each of my drafts stands."""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState, WorkflowState

from moderation.workflow import selectors

# The anchor an author lands on after submitting a page.
MY_DRAFTS_ID = "my-drafts"


class ModerationPanel(Component):
    name = "moderation_two_person"
    order = 20
    template_name = "moderation/workflow/panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        awaiting = [
            {
                "title": task_state.revision.object_str,
                "task": task_state.task.name,
                "submitted_by": _name(task_state.workflow_state.requested_by),
                "since": task_state.started_at,
                "review_url": reverse(
                    "moderation_workflow:review", args=(task_state.pk,)
                ),
            }
            for task_state in selectors.task_states_awaiting(self.user)
        ]
        in_workflow = {
            int(state.object_id): state
            for state in selectors.workflow_states_of_author(self.user)
        }
        drafts = selectors.drafts_of_author(self.user)
        seen = {page.pk for page in drafts}
        mine = [_draft_row(page, in_workflow.get(page.pk)) for page in drafts] + [
            _draft_row(state.content_object, state)
            for page_id, state in in_workflow.items()
            if page_id not in seen
        ]
        return {"awaiting": awaiting, "mine": mine, "my_drafts_id": MY_DRAFTS_ID}


def _name(user) -> str:
    if user is None:
        return "(unknown)"
    return user.get_full_name() or user.get_username()


def _draft_row(page, workflow_state: WorkflowState | None) -> dict:
    return {
        "title": page.get_admin_display_title(),
        "edit_url": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        "status": _status_for_author(workflow_state),
        "sent_back": workflow_state is not None
        and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES,
        "comment": workflow_state.current_task_state.comment
        if workflow_state and workflow_state.current_task_state
        else "",
    }


def _status_for_author(workflow_state: WorkflowState | None) -> str:
    if workflow_state is None:
        return "Draft: not sent for approval yet"
    task_state = workflow_state.current_task_state
    if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "Sent back for changes"
    if task_state and task_state.status == TaskState.STATUS_IN_PROGRESS:
        return f"Waiting for {task_state.task.name}"
    return workflow_state.get_status_display()
