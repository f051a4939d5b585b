"""What happens when a workflow run finishes: publish, but only what was approved (P1).

A page whose photos or documents have no public copies yet is not published in the
approver's request: ``cms.preparation`` makes the copies in jobs and publishes the
revision when the last one exists. A bilingual school's page is prepared and
published with its translations (``parity``): every language at the same instant.

``WAGTAIL_FINISH_WORKFLOW_ACTION`` points here. Wagtail finishes a run when no active
task is left, so a disabled or removed approval step would otherwise publish without
anyone approving. This is the last guard: no approval by a person, no publication.

Wagtail imports this module while ``wagtail.models`` itself is loading, so the models
are imported inside the function, not at the top.
"""

import logging

logger = logging.getLogger(__name__)


def publish_approved_workflow_state(workflow_state, user=None) -> None:
    """Publish the object of ``workflow_state`` if a person approved it in this run.

    Raises:
        ApprovalRefused: nobody approved this run, the consent check fails now, or
            a bilingual school's translation is missing or out of date;
            the surrounding approval is rolled back and the reviewer told why.
    """
    from wagtail.models import Page, TaskState

    from cms.preparation.services import preparation_start, revisions_publish_together
    from moderation.models import ApprovalTaskState
    from moderation.workflow import consent_check, parity, social_posts
    from moderation.workflow.services import ApprovalRefused

    approved = ApprovalTaskState.objects.filter(
        workflow_state=workflow_state,
        status=TaskState.STATUS_APPROVED,
        finished_by__isnull=False,
    ).exists()
    if not approved:
        logger.error(
            "Refused to publish %s: workflow run %s finished without an approval",
            workflow_state.object_id,
            workflow_state.pk,
            extra={
                "event": "workflow.publish_without_approval_refused",
                "workflow_state_id": workflow_state.pk,
            },
        )
        raise ApprovalRefused(
            "This workflow has no approval step left, so the page was not published. "
            "An administrator must restore the approval step."
        )
    page = workflow_state.content_object.get_latest_revision_as_object()
    problems = consent_check.page_problems(page)
    if problems:
        # Consent can change while a page waits (withdrawn, expired): check again.
        raise ApprovalRefused(
            "The consent check fails now, so the page was not published: "
            + " ".join(problems)
        )
    try:
        # A bilingual school's page goes live only with its translation (issue 27).
        # A fresh copy: ``.specific`` on the run's own object would be cached on it,
        # and what reads it after publishing (the author's email) would see a draft.
        pairing = parity.paired_publication(
            Page.objects.get(pk=workflow_state.object_id).specific
        )
    except parity.ParityRefused as refusal:
        raise ApprovalRefused(str(refusal)) from refusal
    problems = [
        problem
        for version in (
            page,
            *(partner.get_latest_revision_as_object() for partner in pairing.partners),
        )
        for problem in parity.alt_text_problems(version)
    ]
    if problems:
        raise ApprovalRefused("Not published: " + " ".join(dict.fromkeys(problems)))
    if pairing.partners:
        problems = social_posts.posts_missing_a_language(page, pairing.partners)
        if problems:
            raise ApprovalRefused(
                "Neither language was published: " + " ".join(problems)
            )
    for partner in pairing.partners:
        problems = consent_check.page_problems(partner.get_latest_revision_as_object())
        if problems:
            raise ApprovalRefused(
                "The consent check fails on the other language's version, so "
                "neither was published: " + " ".join(problems)
            )
    revision = workflow_state.content_object.get_latest_revision()
    translations = parity.partner_revisions_approve(
        revision=revision, pairing=pairing, user=user
    )
    if (
        preparation_start(revision=revision, translations=translations, user=user)
        is None
    ):
        # Every copy it needs exists already (or it shows no new photo): at once.
        revisions_publish_together(
            revision=revision, translations=translations, user=user
        )
