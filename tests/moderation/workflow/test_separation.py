"""P1: nobody approves or rejects a revision they wrote, edited or submitted."""

import logging

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from moderation import roles
from tests.moderation.workflow.conftest import (
    news_edit_form,
    signed_in,
    staff,
    submit,
)


def events(caplog) -> list:
    return [getattr(record, "event", None) for record in caplog.records]


def review_url(task_state) -> str:
    return reverse("moderation_workflow:review", args=(task_state.pk,))


def wagtail_action_url(page, action, task_state) -> str:
    return reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk)
    )


@pytest.fixture
def approver_author(db):
    """An approver who writes their own news page."""
    return staff("approving_author", roles.APPROVERS)


def test_author_who_is_an_approver_is_not_offered_approval(draft, approver_author):
    draft.save_revision(user=approver_author)
    submit(draft, approver_author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver_author).get(review_url(task_state))

    assert response.status_code == 200
    assert b"data-approve-form" not in response.content
    assert b"data-review-blocked" in response.content
    assert task_state.task.specific.get_actions(draft, approver_author) == []


def test_author_approval_post_is_refused_and_logged(draft, approver_author, caplog):
    submit(draft, approver_author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver_author)

    with caplog.at_level(logging.WARNING, logger="moderation.workflow.services"):
        response = client.post(
            review_url(task_state),
            {"action": "approve", "revision_id": task_state.revision_id},
            follow=True,
        )

    draft.refresh_from_db()
    assert not draft.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    assert b"Another member of staff must check it" in response.content
    assert "workflow.decision_refused" in events(caplog)


def test_forged_wagtail_approve_post_by_editor_is_refused_and_logged(
    draft, author, caplog
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    with caplog.at_level(logging.WARNING, logger="moderation.workflow.middleware"):
        response = signed_in(author).post(
            wagtail_action_url(draft, "approve", task_state),
            {"comment": ""},
            follow=True,
        )

    assert b"do not have permission" in response.content
    assert "workflow.decision_refused" in events(caplog)
    draft.refresh_from_db()
    assert not draft.live


def test_forged_wagtail_approve_post_by_eligible_approver_needs_the_review_screen(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver).post(
        wagtail_action_url(draft, "approve", task_state), {"comment": ""}, follow=True
    )

    assert b"do not have permission" in response.content
    draft.refresh_from_db()
    assert not draft.live


def test_co_editor_cannot_approve(draft, author, approver, second_approver):
    draft.save_revision(user=second_approver)  # helped write the draft
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(second_approver).post(
        review_url(task_state),
        {"action": "approve", "revision_id": task_state.revision_id},
        follow=True,
    )

    draft.refresh_from_db()
    assert not draft.live
    assert b"Another member of staff must check it" in response.content
    assert task_state.task.specific.get_actions(draft, approver) != []


def test_superuser_who_edited_cannot_approve_or_reject(draft, author, superuser):
    draft.save_revision(user=superuser)
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(superuser)

    approve = client.post(
        review_url(task_state),
        {"action": "approve", "revision_id": task_state.revision_id},
    )
    reject = client.post(
        wagtail_action_url(draft, "reject", task_state), {"comment": "No"}, follow=True
    )

    assert approve.status_code == 302
    assert b"do not have permission" in reject.content
    draft.refresh_from_db()
    assert not draft.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"


def test_submitter_cannot_approve(draft, author, approver, second_approver):
    submit(draft, approver)  # an approver submits the author's draft
    task_state = draft.current_workflow_task_state

    assert task_state.task.specific.get_actions(draft, approver) == []
    assert task_state.task.specific.get_actions(draft, second_approver) != []


def test_an_uninvolved_superuser_may_approve(draft, author, superuser):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(superuser).post(
        review_url(task_state),
        {"action": "approve", "revision_id": task_state.revision_id},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live


def test_forged_approve_from_the_editor_is_refused_and_logged(
    draft, approver_author, caplog
):
    submit(draft, approver_author)

    with caplog.at_level(logging.WARNING, logger="moderation.workflow.middleware"):
        signed_in(approver_author).post(
            reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
            news_edit_form(
                draft,
                **{
                    "action-workflow-action": "true",
                    "workflow-action-name": "approve",
                },
            ),
        )

    draft.refresh_from_db()
    assert not draft.live
    assert "workflow.decision_refused" in events(caplog)
