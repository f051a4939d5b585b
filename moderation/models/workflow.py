"""The two workflow tasks every page passes before it goes live (P1, C1-C4).

``ConsentCheckTask`` runs the consent rule-set automatically and sends a page back to
its author with the list of problems. ``ApprovalTask`` is Wagtail's group approval
with the two-person rule added: nobody who wrote, edited or submitted the revision may
decide on it, superusers included (P1). Approval itself happens on the review screen
(``moderation.workflow.views``), which shows exactly what will be published and checks a
fresh one-time code; the task refuses an approval that did not come from there.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask, Task, TaskState

from moderation.workflow import consent_check, rules

logger = logging.getLogger(__name__)


class ConsentCheckTask(Task):
    """Automatic first step: the consent rule-set must pass on every channel (C1-C4).

    It never waits for a person: ``start()`` checks and approves or rejects at once. A
    rejection carries the problems in the task state's comment, which Wagtail shows in
    the page's workflow history and the author's email quotes.
    """

    admin_form_fields = Task.admin_form_fields

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        page = workflow_state.content_object.get_latest_revision_as_object()
        problems = [
            *rules.workflow_problems(workflow_state.workflow),
            *consent_check.page_problems(page),
        ]
        if problems:
            comment = "This page was sent back before review:\n" + "\n".join(
                f"- {problem}" for problem in problems
            )
            task_state.reject(user=None, update=False, comment=comment)
            logger.info(
                "Consent check returned page %s to its author",
                page.pk,
                extra={"event": "workflow.consent_rejected", "page_id": page.pk},
            )
        else:
            task_state.approve(user=None, update=False, comment="Consent check passed.")
        return task_state

    def get_actions(self, obj, user):
        return []  # nobody acts on an automatic check

    @classmethod
    def get_description(cls):
        return "Checks consent for every image and channel; sends problems back."

    class Meta:
        verbose_name = "Consent check task"
        verbose_name_plural = "Consent check tasks"


class ApprovalTaskState(TaskState):
    """An approval decision, with the second factor the approver had just proved (P4).

    The device is copied here, not referenced, so the record survives the device
    being removed when the member of staff leaves.
    """

    step_up_device_id = models.CharField(
        "one-time code device", max_length=255, blank=True
    )
    step_up_device_name = models.CharField(max_length=255, blank=True)
    step_up_verified_at = models.DateTimeField(null=True, blank=True)

    def log_state_change_action(self, user, action):
        """Log as Wagtail does, adding the device behind an approval to the entry."""
        next_task = self.workflow_state.get_next_task()
        data = {
            "workflow": {
                "id": self.workflow_state.workflow.id,
                "title": self.workflow_state.workflow.name,
                "status": self.status,
                "task_state_id": self.id,
                "task": {"id": self.task.id, "title": self.task.name},
                "next": {"id": next_task.id, "title": next_task.name}
                if next_task
                else None,
            },
            "comment": self.get_comment(),
        }
        if self.step_up_device_id:
            data["step_up"] = {
                "device_persistent_id": self.step_up_device_id,
                "device_name": self.step_up_device_name,
                "verified_at": self.step_up_verified_at.isoformat()
                if self.step_up_verified_at
                else None,
            }
        log(
            instance=self.revision.as_object(),
            action=f"wagtail.workflow.{action}",
            user=user,
            data=data,
            revision=self.revision,
        )

    class Meta:
        verbose_name = "Approval task state"
        verbose_name_plural = "Approval task states"


class ApprovalTask(AbstractGroupApprovalTask):
    """A group approval that the author, co-editors and submitter may never decide (P1).

    ``get_actions`` offers "Request changes" and "Review and approve" only to members of
    the groups (or superusers) who are not involved in the revision; ``on_action``
    checks again, so a forged POST is refused and logged, not merely hidden.
    """

    sensitive_content_only = models.BooleanField(
        default=False,
        help_text=(
            "Only for pages listed in MODERATION_SENIOR_APPROVAL_PAGE_TYPES "
            "(e.g. urgent closures); other pages skip this step."
        ),
    )

    admin_form_fields = [
        *AbstractGroupApprovalTask.admin_form_fields,
        "sensitive_content_only",
    ]

    REVIEW_ACTION = "review"
    task_state_class = ApprovalTaskState

    def start(self, workflow_state, user=None):
        page = workflow_state.content_object.get_latest_revision_as_object()
        if self.sensitive_content_only and not rules.is_sensitive(page):
            task_state = ApprovalTaskState(
                workflow_state=workflow_state,
                task=self,
                revision=workflow_state.content_object.get_latest_revision(),
                status=TaskState.STATUS_SKIPPED,
                comment="Not sensitive content: no senior approval needed.",
            )
            task_state.save()
            return task_state
        return super().start(workflow_state, user=user)

    def user_may_decide(self, obj, user) -> bool:
        """True when ``user`` is a reviewer of this step and had no hand in ``obj``.

        A trust's notice to its schools names its own reviewers (its trust's people,
        and at the senior step a senior leader of that trust): groups alone, which
        every school shares, would let any school's senior leader decide for all.
        """
        # The class, not ``obj.specific``: that would keep a copy of the page as it
        # is now on ``obj``, which the approval's email would then show unpublished.
        specific_class = getattr(obj, "specific_class", None) or type(obj)
        may_decide = getattr(specific_class, "may_decide_on", None)
        senior_step = self.sensitive_content_only
        if may_decide is not None and not may_decide(
            obj, user, senior_step=senior_step
        ):
            return False
        if not (may_decide is not None and senior_step) and not (
            user.is_superuser or self._user_in_groups(user)
        ):
            return False
        return user.pk not in rules.involved_user_ids(obj)

    def user_can_access_editor(self, obj, user):
        return self.user_may_decide(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_may_decide(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_may_decide(obj, user)

    def get_actions(self, obj, user):
        if not self.user_may_decide(obj, user):
            return []
        return [
            ("reject", "Request changes", True),
            (self.REVIEW_ACTION, "Review and approve", False),
        ]

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """The runs waiting at this step that ``user`` may decide (``user_may_decide``).

        Not only by group, as Wagtail has it: a trust's senior leader decides the
        trust's notices at the senior step without being in the school's group.
        """
        states = TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS, task=self.task_ptr
        )
        allowed = [
            state.pk
            for state in states.select_related("workflow_state")
            if self.user_may_decide(state.workflow_state.content_object, user)
        ]
        return states.filter(pk__in=allowed)

    def on_action(self, task_state, user, action_name, **kwargs):
        """Act on a decision from Wagtail's views, refusing anyone the rules exclude.

        "review" is not a decision: it sends the reviewer to the review screen.
        "approve" is accepted only with the ``step_up`` evidence that the review
        screen passes (see ``moderation.workflow.services.approval_approve``).
        """
        from moderation.workflow import services

        if action_name == self.REVIEW_ACTION:
            return reverse("moderation_workflow:review", args=(task_state.pk,))
        if action_name == "reject":
            services.approval_reject(
                task_state_id=task_state.pk,
                user=user,
                comment=kwargs.get("comment", ""),
            )
            return None
        if action_name == "approve":
            services.approval_approve(
                task_state_id=task_state.pk,
                user=user,
                comment=kwargs.get("comment", ""),
                step_up=kwargs.get("step_up"),
                revision_id=kwargs.get("revision_id"),
            )
            return None
        raise PermissionDenied(f"Unknown workflow action {action_name!r}.")

    def deactivate(self, user=None):
        """Refuse to disable an approval step that a workflow in use relies on.

        Wagtail skips a disabled task and would publish every page waiting on it
        without anyone approving it (P1), so the step stays on until the workflow
        has been given another approval step.
        """
        if rules.workflows_left_without_approval(disabling=self):
            logger.warning(
                "Refused to disable approval task %s",
                self.pk,
                extra={"event": "workflow.disable_refused", "task_id": self.pk},
            )
            raise PermissionDenied(
                "This approval step cannot be disabled: a workflow in use would "
                "publish pages without anyone approving them. Add another approval "
                "step to that workflow first."
            )
        super().deactivate(user=user)

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups approve, but never their own work "
            "or work they edited or submitted."
        )

    class Meta:
        verbose_name = "Approval task (two-person)"
        verbose_name_plural = "Approval tasks (two-person)"
