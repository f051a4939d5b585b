"""Deciding on a page in moderation: approve or request changes (P1, P4).

Both decisions lock the task state row first, so when two approvers act on the same
task at once exactly one decision wins and the page is published once; the other is
told the task was already decided.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import TaskState

from moderation.models import ApprovalTaskState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepUpEvidence:
    """The second factor an approver proved within the step-up window."""

    device_persistent_id: str
    device_name: str
    verified_at: datetime | None


class ApprovalRefused(PermissionDenied):
    """A decision the rules do not allow; ``str()`` says why in plain English."""


class AlreadyDecided(ApprovalRefused):
    pass


class ReviewerInvolved(ApprovalRefused):
    pass


class StepUpMissing(ApprovalRefused):
    pass


class RevisionChanged(ApprovalRefused):
    pass


def _locked_task_state(task_state_id: int) -> ApprovalTaskState:
    task_state = (
        ApprovalTaskState.objects.select_for_update(of=("self", "taskstate_ptr"))
        .select_related("workflow_state", "revision")
        .get(pk=task_state_id)
    )
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise AlreadyDecided(
            "This page has already been decided by someone else; nothing was changed."
        )
    return task_state


def _check_may_decide(task_state: ApprovalTaskState, user, *, action: str) -> None:
    task = task_state.task.specific
    page = task_state.workflow_state.content_object
    if not task.user_may_decide(page, user):
        logger.warning(
            "Refused %s of task state %s by user %s: not an eligible reviewer",
            action,
            task_state.pk,
            user.pk,
            extra={
                "event": "workflow.decision_refused",
                "task_state_id": task_state.pk,
                "user_id": user.pk,
                "action": action,
            },
        )
        raise ReviewerInvolved(
            "You cannot decide on this page: you wrote, edited or submitted it, or "
            "already approved it, or you are not one of its reviewers. Another "
            "member of staff must check it."
        )


def approval_approve(
    *,
    task_state_id: int,
    user,
    comment: str = "",
    step_up: StepUpEvidence | None,
    revision_id: int | None,
) -> ApprovalTaskState:
    """Approve the revision awaiting ``user`` and, at the last step, publish it.

    Args:
        task_state_id: the approval step in progress.
        user: the approver; never anyone with a hand in the revision (P1).
        comment: shown to the author.
        step_up: the code the approver proved within the window (P4); None is refused.
        revision_id: the revision the approver was shown; it must still be the latest.

    Raises:
        ApprovalRefused: already decided, involved reviewer, no fresh code, or the page
            changed since the review screen was shown.
    """
    with transaction.atomic():
        task_state = _locked_task_state(task_state_id)
        _check_may_decide(task_state, user, action="approve")
        if step_up is None:
            raise StepUpMissing(
                "Approving needs a one-time code checked in the last few minutes: "
                "approve from the review screen."
            )
        latest = task_state.workflow_state.content_object.get_latest_revision()
        shown = revision_id if revision_id is not None else task_state.revision_id
        if latest.pk != task_state.revision_id or latest.pk != shown:
            raise RevisionChanged(
                "The page changed after it was submitted. Review the new version: "
                "restart the workflow so it is checked again."
            )
        task_state.step_up_device_id = step_up.device_persistent_id
        task_state.step_up_device_name = step_up.device_name
        task_state.step_up_verified_at = step_up.verified_at
        task_state.approve(user=user, comment=comment)
    logger.info(
        "Task state %s approved by user %s",
        task_state.pk,
        user.pk,
        extra={"event": "workflow.approved", "task_state_id": task_state.pk},
    )
    return task_state


def approval_reject(
    *, task_state_id: int, user, comment: str = ""
) -> ApprovalTaskState:
    """Send the page back to its author with ``comment`` (request changes).

    Raises:
        ApprovalRefused: already decided, or ``user`` may not decide on it (P1).
    """
    with transaction.atomic():
        task_state = _locked_task_state(task_state_id)
        _check_may_decide(task_state, user, action="reject")
        task_state.reject(user=user, comment=comment)
    logger.info(
        "Task state %s sent back by user %s",
        task_state.pk,
        user.pk,
        extra={"event": "workflow.rejected", "task_state_id": task_state.pk},
    )
    return task_state


def workflow_restart_if_edited(*, page, user) -> bool:
    """Start the checks and approval again when a page awaiting approval is edited.

    An approval covers one revision: a new one needs the consent check again and a
    reviewer who did not make the change. The run restarts in the name of the person
    who first submitted it, so they still hear the outcome.

    Returns:
        True if a run was restarted.
    """
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != "in_progress":
        return False
    task_state = workflow_state.current_task_state
    latest = page.get_latest_revision()
    if task_state is None or latest is None or task_state.revision_id == latest.pk:
        return False
    with transaction.atomic():
        workflow = workflow_state.workflow
        requested_by = workflow_state.requested_by or user
        workflow_state.cancel(user=user)
        workflow.start(page, requested_by)
    logger.info(
        "Workflow restarted on page %s after an edit by user %s",
        page.pk,
        user.pk,
        extra={"event": "workflow.restarted_after_edit", "page_id": page.pk},
    )
    return True
