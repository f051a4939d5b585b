"""Dashboard panel: what waits for me, and where each of my drafts stands.

"Waiting for me" lists every kind of decision (``moderation.awaiting``); this module
contributes the pages to approve.
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState, WorkflowState

from moderation.awaiting import AwaitingDecision, decisions_awaiting
from moderation.workflow import selectors

# The anchor an author lands on after submitting a page.
MY_DRAFTS_ID = "my-drafts"
# What the author's last Submit did, shown once at the top of "My drafts".
SUBMITTED_SESSION_KEY = "moderation_submission_outcome"


def submission_outcome_keep(request, outcome) -> None:
    """Keep ``outcome`` (``outcomes.SubmissionOutcome``) for the next dashboard."""
    request.session[SUBMITTED_SESSION_KEY] = {
        "sent_back": outcome.sent_back,
        "text": outcome.text,
        "problems": list(outcome.problems),
    }


class ModerationPanel(Component):
    name = "moderation_two_person"
    order = 20
    template_name = "moderation/workflow/panel.html"

    class Media:
        css = {"all": ["moderation/css/staff.css"]}

    def __init__(self, user, *, request=None):
        self.user = user
        self.request = request

    def get_context_data(self, parent_context=None):
        awaiting = decisions_awaiting(self.user)
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
        submitted = (
            self.request.session.pop(SUBMITTED_SESSION_KEY, None)
            if self.request is not None
            else None
        )
        return {
            "awaiting": awaiting,
            "mine": mine,
            "my_drafts_id": MY_DRAFTS_ID,
            "submitted": submitted,
        }


def pages_to_approve(user) -> list[AwaitingDecision]:
    """Approval steps ``user`` may decide (registered for "Waiting for me")."""
    return [
        AwaitingDecision(
            action=f"Review “{task_state.revision.object_str}”",
            url=reverse("moderation_workflow:review", args=(task_state.pk,)),
            detail=f"{task_state.task.name} · from "
            f"{_name(task_state.workflow_state.requested_by)}",
            since=task_state.started_at,
        )
        for task_state in selectors.task_states_awaiting(user)
    ]


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
