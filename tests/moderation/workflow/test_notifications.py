"""Who is told what: approvers on submission, the author on approval or changes."""

from django.core import mail
from django.urls import reverse

from tests.moderation.workflow.conftest import signed_in, submit


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_approvers_are_emailed_on_submission_not_the_author(
    draft, author, approver, second_approver
):
    mail.outbox.clear()

    submit(draft, author)

    assert approver.email in recipients()
    assert second_approver.email in recipients()
    assert author.email not in recipients()
    assert any(draft.title in message.subject for message in mail.outbox)


def test_author_is_emailed_the_live_link_on_approval(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    mail.outbox.clear()

    signed_in(approver).post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "approve", "revision_id": task_state.revision_id},
    )

    to_author = [message for message in mail.outbox if author.email in message.to]
    assert len(to_author) == 1
    draft.refresh_from_db()
    assert draft.full_url in to_author[0].body


def test_author_is_emailed_the_reviewers_comment_on_request_for_changes(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    mail.outbox.clear()

    signed_in(approver).post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "reject", "comment": "Please use first names only"},
    )

    to_author = [message for message in mail.outbox if author.email in message.to]
    assert len(to_author) == 1
    assert "Please use first names only" in to_author[0].body


def test_an_approver_who_edited_is_not_asked_to_review(
    draft, author, approver, second_approver
):
    draft.save_revision(user=second_approver)
    mail.outbox.clear()

    submit(draft, author)

    assert approver.email in recipients()
    assert second_approver.email not in recipients()


def test_each_reviewer_gets_one_email_linking_to_the_review_screen(
    draft, author, approver, superuser
):
    mail.outbox.clear()

    submit(draft, author)

    review = "http://testserver" + reverse(
        "moderation_workflow:review", args=(draft.current_workflow_task_state.pk,)
    )
    to_admin = [m for m in mail.outbox if superuser.email in m.to]
    to_approver = [m for m in mail.outbox if approver.email in m.to]
    assert len(to_admin) == 1
    assert len(to_approver) == 1
    assert review in to_approver[0].body
    assert "workflow/preview" not in to_approver[0].body
