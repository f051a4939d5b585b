"""Record attempts to decide a workflow task through Wagtail's own endpoints (P1, P4).

Approval happens only on the review screen: Wagtail's workflow endpoints never offer
"approve" (the task's ``get_actions`` leaves it out) and offer "reject" only to
reviewers with no hand in the revision, so Wagtail refuses anything else. That
refusal is silent, though, and a forged decision is worth a line in the log: this
middleware writes it. It never changes the response.
"""

import logging

from django.http import HttpRequest

logger = logging.getLogger(__name__)

WORKFLOW_ACTION_VIEWS = frozenset(
    {
        "wagtailadmin_pages:workflow_action",
        "wagtailadmin_pages:collect_workflow_action_data",
    }
)
EDITOR_VIEWS = frozenset({"wagtailadmin_pages:edit"})


def _attempted_decision(request: HttpRequest, view_kwargs: dict):
    """The (action, task state id) a POST tries, or None if it decides nothing."""
    match = request.resolver_match
    if request.method != "POST" or match is None:
        return None
    if match.view_name in WORKFLOW_ACTION_VIEWS:
        return view_kwargs.get("action_name"), view_kwargs.get("task_state_id")
    if match.view_name in EDITOR_VIEWS and request.POST.get("action-workflow-action"):
        from wagtail.models import Page

        page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
        task_state = page.current_workflow_task_state if page else None
        if task_state is not None:
            return request.POST.get("workflow-action-name"), task_state.pk
    return None


class WorkflowDecisionAuditMiddleware:
    """Log decisions the two-person rules refuse, from any Wagtail endpoint."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        attempt = _attempted_decision(request, view_kwargs)
        if attempt is None:
            return None
        action, task_state_id = attempt
        from moderation.models import ApprovalTaskState

        task_state = (
            ApprovalTaskState.objects.filter(pk=task_state_id)
            .select_related("workflow_state", "task")
            .first()
        )
        if task_state is None or action not in ("approve", "reject"):
            return None
        page = task_state.workflow_state.content_object
        eligible = task_state.task.specific.user_may_decide(page, request.user)
        if action == "approve" or not eligible:
            logger.warning(
                "Refused %s of task state %s by user %s through %s",
                action,
                task_state.pk,
                request.user.pk,
                request.resolver_match.view_name,
                extra={
                    "event": "workflow.decision_refused",
                    "task_state_id": task_state.pk,
                    "user_id": request.user.pk,
                    "action": action,
                    "eligible_reviewer": eligible,
                },
            )
        return None
