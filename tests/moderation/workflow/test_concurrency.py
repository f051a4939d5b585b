"""Two approvers acting on the same task at once: exactly one wins, one publication."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from moderation.workflow import services
from tests.moderation.workflow.conftest import signed_in, submit


def publications(page) -> int:
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish").count()


def evidence() -> services.StepUpEvidence:
    return services.StepUpEvidence(
        device_persistent_id="otp_totp.totpdevice/1",
        device_name="Authenticator app",
        verified_at=timezone.now(),
    )


def approve_as(user, task_state_id, revision_id, outcomes):
    try:
        services.approval_approve(
            task_state_id=task_state_id,
            user=user,
            step_up=evidence(),
            revision_id=revision_id,
        )
        outcomes.append("approved")
    except services.AlreadyDecided:
        outcomes.append("already decided")


def approve_in_threads(users, task_state_id, revision_id) -> list[str]:
    """Each approver in their own thread and database connection, released at once."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(users))

    def run(user):
        try:
            barrier.wait(timeout=10)
            approve_as(user, task_state_id, revision_id, outcomes)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_approvals_publish_once(draft, author, approver, second_approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    users = [approver, second_approver]

    if connection.vendor == "postgresql":
        outcomes = approve_in_threads(users, task_state.pk, task_state.revision_id)
    else:
        # SQLite has no row locks and one writer at a time: the second approval
        # arrives after the first committed and must see the task already decided.
        outcomes = []
        for user in users:
            approve_as(user, task_state.pk, task_state.revision_id, outcomes)

    assert sorted(outcomes) == ["already decided", "approved"]
    draft.refresh_from_db()
    assert draft.live
    assert (
        PageLogEntry.objects.filter(page=draft, action="wagtail.publish").count() == 1
    )


def test_second_decision_on_the_review_screen_is_told_it_was_decided(
    draft, author, approver, second_approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    url = reverse("moderation_workflow:review", args=(task_state.pk,))
    data = {"action": "approve", "revision_id": task_state.revision_id}
    late = signed_in(second_approver)
    late.get(url)  # both have the review screen open

    signed_in(approver).post(url, data)
    response = late.post(url, data, follow=True)

    assert b"already been decided" in response.content
    assert (
        PageLogEntry.objects.filter(page=draft, action="wagtail.publish").count() == 1
    )
