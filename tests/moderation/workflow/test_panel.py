"""The dashboard: what waits for each approver, where each author's pages stand."""

from django.urls import reverse

from tests.moderation.workflow.conftest import signed_in, submit


def dashboard(user) -> str:
    return signed_in(user).get(reverse("wagtailadmin_home")).content.decode()


def test_approver_sees_the_page_waiting_with_a_link_to_review(draft, author, approver):
    submit(draft, author)
    review = reverse(
        "moderation_workflow:review", args=(draft.current_workflow_task_state.pk,)
    )

    page = dashboard(approver)

    assert "data-awaiting" in page
    assert review in page
    assert draft.title in page


def test_author_sees_where_their_page_stands_and_no_review_link(
    draft, author, approver
):
    submit(draft, author)

    page = dashboard(author)

    assert "Waiting for Approval by an approver" in page
    assert "data-awaiting" not in page


def test_an_approver_is_not_asked_to_review_their_own_page(draft, approver):
    submit(draft, approver)

    page = dashboard(approver)

    assert "data-awaiting" not in page
    assert "Waiting for Approval by an approver" in page
