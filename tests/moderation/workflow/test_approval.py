"""Approving on the review screen: fresh code, exact revision, one publication."""

import time

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState

from moderation.workflow import services
from tests.moderation.workflow.conftest import news_edit_form, signed_in, submit


def review_url(task_state) -> str:
    return reverse("moderation_workflow:review", args=(task_state.pk,))


def approve(client, task_state, **data):
    return client.post(
        review_url(task_state),
        {"action": "approve", "revision_id": task_state.revision_id, **data},
    )


def test_approver_with_fresh_code_publishes_and_the_device_is_recorded(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver)

    page = client.get(review_url(task_state))
    response = approve(client, task_state, comment="Lovely")

    assert b"data-approve-form" in page.content
    assert b"published on the website only" in page.content
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live
    entry = PageLogEntry.objects.get(
        page=draft, action="wagtail.workflow.approve", user=approver
    )
    assert entry.data["step_up"]["device_name"] == "Authenticator app"
    assert entry.data["step_up"]["device_persistent_id"].endswith(
        str(approver.totpdevice_set.get().pk)
    )


def test_approval_with_a_stale_code_asks_for_one_and_publishes_nothing(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver, verified_at=time.time() - 20 * 60)

    response = approve(client, task_state)

    assert response.status_code == 400
    assert b"Enter the 6-digit code" in response.content
    assert b"data-code-field" in response.content
    draft.refresh_from_db()
    assert not draft.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"


def test_page_edited_while_awaiting_approval_starts_again(draft, author, approver):
    submit(draft, author)
    first = draft.current_workflow_task_state
    draft.title = "Changed after submission"
    draft.save_revision(user=author)

    refused = approve(signed_in(approver), first)

    draft.refresh_from_db()
    assert refused.status_code == 302
    assert not draft.live
    assert TaskState.objects.get(pk=first.pk).status == "in_progress"


def test_edit_in_the_editor_during_approval_restarts_the_workflow(
    draft, author, approver, second_approver
):
    submit(draft, author)
    first = draft.current_workflow_task_state
    client = signed_in(approver)

    client.post(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
        news_edit_form(draft, title="Edited by the approver"),
    )

    first.refresh_from_db()
    current = draft.current_workflow_task_state
    assert first.status == "cancelled"
    assert current.pk != first.pk
    assert current.revision.as_object().title == "Edited by the approver"
    assert current.workflow_state.requested_by == author
    # the approver who edited is now a co-editor and may not approve it
    assert current.task.specific.get_actions(draft, approver) == []
    assert current.task.specific.get_actions(draft, second_approver) != []


def test_edit_after_approval_is_not_live_until_approved_again(draft, author, approver):
    submit(draft, author)
    approve(signed_in(approver), draft.current_workflow_task_state)
    draft.refresh_from_db()
    draft.title = "A second version"
    draft.save_revision(user=author)

    draft.refresh_from_db()
    assert draft.title != "A second version"
    assert draft.has_unpublished_changes
    submit(draft, author)
    assert draft.current_workflow_task_state.status == "in_progress"
    assert draft.current_workflow_task.specific.get_actions(draft, approver) != []


def test_nobody_publishes_from_the_editor(draft, approver):
    response = signed_in(approver).post(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
        news_edit_form(draft, title="Straight out", **{"action-publish": "1"}),
        follow=True,
    )

    draft.refresh_from_db()
    assert not draft.live
    assert draft.get_latest_revision().as_object().title == "Straight out"
    assert b"only through approval by a second member of staff" in response.content


def test_the_editor_offers_review_not_publish(draft, author, approver):
    submit(draft, author)

    response = signed_in(approver).get(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,))
    )

    assert b'name="action-publish"' not in response.content
    assert review_url(draft.current_workflow_task_state).encode() in response.content


def test_request_changes_needs_a_comment_and_returns_the_page(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver)

    empty = client.post(review_url(task_state), {"action": "reject", "comment": ""})
    sent_back = client.post(
        review_url(task_state), {"action": "reject", "comment": "Check the date"}
    )

    assert empty.status_code == 400
    assert sent_back.status_code == 302
    workflow_state = draft.current_workflow_state
    assert workflow_state.status == "needs_changes"
    assert workflow_state.current_task_state.comment == "Check the date"


def test_wagtail_review_buttons_lead_to_the_review_screen(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(draft.pk, "review", task_state.pk),
        )
    )

    assert response.status_code == 302
    assert response["Location"] == review_url(task_state)


def test_the_review_screen_previews_the_submitted_revision(home_page, author, approver):
    home_page.title = "What the approver must see"
    submit(home_page, author)
    task_state = home_page.current_workflow_task_state
    client = signed_in(approver)
    preview_url = reverse("moderation_workflow:review_preview", args=(task_state.pk,))

    screen = client.get(review_url(task_state)).content.decode()
    preview = client.get(preview_url)

    assert preview_url in screen
    assert preview.status_code == 200
    assert b"What the approver must see" in preview.content
    home_page.refresh_from_db()
    assert home_page.title != "What the approver must see"


def test_approval_in_code_without_a_fresh_code_is_refused(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    with pytest.raises(services.StepUpMissing):
        task_state.task.specific.on_action(task_state, approver, "approve")

    draft.refresh_from_db()
    assert not draft.live


def test_approval_of_a_revision_other_than_the_one_waiting_is_refused(
    draft, author, approver
):
    old = draft.get_latest_revision()
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver).post(
        review_url(task_state),
        {"action": "approve", "revision_id": old.pk},
        follow=True,
    )

    draft.refresh_from_db()
    assert not draft.live
    assert b"The page changed after it was submitted" in response.content


def test_a_post_without_a_decision_is_answered_with_a_message(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver).post(
        review_url(task_state), {"action": "publish"}, follow=True
    )

    draft.refresh_from_db()
    assert not draft.live
    assert b"Choose Approve or Request changes" in response.content
