"""Sensitive content: a senior leader approves too, and never the same person (P1)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from moderation import roles
from tests.factories import NoticeIndexPageFactory, NoticePageFactory
from tests.moderation.workflow.conftest import signed_in, staff, submit


@pytest.fixture
def notices(home_page):
    return NoticeIndexPageFactory(parent=home_page)


def approve(user, page):
    task_state = page.current_workflow_task_state
    return signed_in(user).post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "approve", "revision_id": task_state.revision_id},
    )


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:urgent"])
def test_urgent_notice_needs_a_senior_leader_after_the_approver(
    notices, author, approver, senior_leader
):
    notice = NoticePageFactory(parent=notices, live=False, kind="urgent")
    submit(notice, author)

    approve(approver, notice)
    notice.refresh_from_db()
    waiting_for = notice.current_workflow_task

    assert not notice.live
    assert waiting_for.name == "Senior leadership approval (sensitive content)"
    assert waiting_for.get_actions(notice, approver) == []
    approve(senior_leader, notice)
    notice.refresh_from_db()
    assert notice.live


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:urgent"])
def test_the_first_approver_cannot_give_the_senior_approval_too(
    notices, author, senior_leader
):
    both = staff("deputy", roles.APPROVERS, roles.SENIOR_LEADERSHIP)
    notice = NoticePageFactory(parent=notices, live=False, kind="urgent")
    submit(notice, author)

    approve(both, notice)
    notice.refresh_from_db()
    senior_step = notice.current_workflow_task_state
    approve(both, notice)

    notice.refresh_from_db()
    assert not notice.live
    assert senior_step.task.specific.get_actions(notice, both) == []
    assert senior_step.task.specific.get_actions(notice, senior_leader) != []


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:urgent"])
def test_other_notices_need_one_approver(notices, author, approver):
    notice = NoticePageFactory(parent=notices, live=False, kind="general")
    submit(notice, author)

    approve(approver, notice)

    notice.refresh_from_db()
    assert notice.live


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=[])
def test_by_default_one_approver_is_enough(notices, author, approver):
    notice = NoticePageFactory(parent=notices, live=False, kind="urgent")
    submit(notice, author)

    approve(approver, notice)

    notice.refresh_from_db()
    assert notice.live
