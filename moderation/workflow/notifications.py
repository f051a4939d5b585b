"""Emails the workflow sends beyond Wagtail's own.

Wagtail already emails the submitter when a page is approved (with the live link) or
sent back (with the reviewer's comment). Two gaps are filled here: the "awaiting your
review" email for our approval steps, sent once to each reviewer who may decide (P1)
and linking to the review screen itself; and the consent check's rejection, which
Wagtail does not send because the submitter triggered it themselves by pressing
"Submit".

``WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS`` is off (settings/base.py), which
silences Wagtail's second "a page was submitted" email to every superuser; the
notifier below adds superusers back as reviewers, so each person gets one email.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier, send_mail
from wagtail.models import TaskState
from wagtail.signals import task_rejected, task_submitted

from moderation.models import ApprovalTaskState, ConsentCheckTask
from moderation.workflow import rules

logger = logging.getLogger(__name__)


class ReviewerSubmissionEmailNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "awaiting your review" email, sent only to those who may review (P1).

    Our approval steps record their decisions in ``ApprovalTaskState``, which Wagtail's
    own notifier (connected for plain ``TaskState``) does not hear.
    """

    template_directory = "moderation/workflow/notifications/"

    def get_template_base_prefix(self, instance, **kwargs):
        return "task_state_"

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        context["task_state"] = task_state
        context["review_url"] = settings.WAGTAILADMIN_BASE_URL + reverse(
            "moderation_workflow:review", args=(task_state.pk,)
        )
        return context

    def get_recipient_users(self, task_state, **kwargs):
        involved = rules.involved_user_ids(
            task_state.workflow_state.content_object,
            workflow_state=task_state.workflow_state,
        )
        reviewers = super().get_recipient_users(
            task_state, **kwargs
        ) | get_user_model().objects.filter(is_superuser=True)
        return reviewers.exclude(pk__in=involved).distinct()


reviewer_submission_email_notifier = ReviewerSubmissionEmailNotifier()


def email_consent_rejection(sender, instance: TaskState, user=None, **kwargs) -> None:
    """Email the submitter the problems the automatic consent check found (C1-C4)."""
    if not isinstance(instance.task.specific, ConsentCheckTask):
        return
    workflow_state = instance.workflow_state
    author = workflow_state.requested_by
    if author is None or not author.email:
        logger.warning(
            "Consent check rejection for %s has nobody to tell",
            workflow_state.object_id,
            extra={"event": "workflow.consent_rejection_unsent"},
        )
        return
    page = instance.revision.as_object()
    context = {
        "page": page,
        "author": author,
        "comment": instance.comment,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
    }
    send_mail(
        render_to_string(
            "moderation/workflow/consent_rejected_subject.txt", context
        ).strip(),
        render_to_string("moderation/workflow/consent_rejected.txt", context),
        [author.email],
    )


def register() -> None:
    task_submitted.connect(
        reviewer_submission_email_notifier,
        sender=ApprovalTaskState,
        dispatch_uid="moderation_workflow_submitted_email",
    )
    task_rejected.connect(
        email_consent_rejection,
        sender=TaskState,
        dispatch_uid="moderation_workflow_consent_rejection_email",
    )
