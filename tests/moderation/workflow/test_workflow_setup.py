"""The site's default workflow and the role permissions the migrations set up (P1)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from moderation import roles
from moderation.models import ApprovalTask
from moderation.workflow.finish import publish_approved_workflow_state
from moderation.workflow.services import ApprovalRefused
from schools.models import SchoolRoleGroup
from tests.moderation.workflow.conftest import signed_in, submit


def page_permissions(role: str) -> set[str]:
    """What the role may do with the default school's pages (its school group)."""
    site = Site.objects.get(is_default_site=True)
    group = SchoolRoleGroup.objects.get(site=site, role=role).group
    return set(
        GroupPagePermission.objects.filter(
            group=group, page=site.root_page
        ).values_list("permission__codename", flat=True)
    )


def test_every_page_uses_the_two_person_workflow(draft, home_page):
    workflow = draft.get_workflow()

    assert workflow.name == "Two-person approval"
    assert home_page.get_workflow() == workflow
    assert [task.name for task in workflow.tasks] == [
        "Consent check",
        "Approval by an approver",
        "Senior leadership approval (sensitive content)",
    ]
    assert not Workflow.objects.filter(name="Moderators approval", active=True)
    assert not Task.objects.filter(name="Moderators approval", active=True)


def test_editors_draft_and_submit_but_cannot_publish(draft, author):
    assert page_permissions(roles.EDITORS) == {"add_page", "change_page"}
    assert page_permissions(roles.APPROVERS) >= {"add_page", "publish_page"}
    assert page_permissions(roles.SENIOR_LEADERSHIP) >= {"publish_page"}
    perms = draft.permissions_for_user(author)
    assert perms.can_edit()
    assert perms.can_submit_for_moderation()
    assert not perms.can_publish()


def test_approval_step_groups(db):
    approval = ApprovalTask.objects.get(name="Approval by an approver")
    senior = ApprovalTask.objects.get(sensitive_content_only=True)

    assert list(approval.groups.all()) == [Group.objects.get(name=roles.APPROVERS)]
    assert list(senior.groups.all()) == [
        Group.objects.get(name=roles.SENIOR_LEADERSHIP)
    ]


def test_disabling_the_approval_step_is_refused(draft, author, superuser):
    submit(draft, author)
    approval = ApprovalTask.objects.get(name="Approval by an approver")

    response = signed_in(superuser).post(
        reverse("wagtailadmin_workflows:disable_task", args=(approval.pk,)),
        follow=True,
    )

    approval.refresh_from_db()
    draft.refresh_from_db()
    assert approval.active
    assert not draft.live
    assert draft.current_workflow_task_state.task_id == approval.pk
    assert b"do not have permission" in response.content


def test_a_workflow_without_an_approval_step_sends_pages_back(draft, author):
    workflow = draft.get_workflow()
    workflow.workflow_tasks.filter(task__name="Approval by an approver").delete()

    submit(draft, author)

    draft.refresh_from_db()
    assert not draft.live
    workflow_state = draft.current_workflow_state
    assert workflow_state.status == "needs_changes"
    assert "no active approval step" in workflow_state.current_task_state.comment


def test_a_run_that_reaches_the_end_without_approval_publishes_nothing(draft, author):
    workflow_state = submit(draft, author)

    with pytest.raises(ApprovalRefused):
        publish_approved_workflow_state(workflow_state, user=author)
    draft.refresh_from_db()
    assert not draft.live


def test_a_plain_wagtail_approval_workflow_cannot_publish(
    news_index, draft, author, approver
):
    plain_task = GroupApprovalTask.objects.create(name="Anyone in Approvers")
    plain_task.groups.set(Group.objects.filter(name=roles.APPROVERS))
    plain = Workflow.objects.create(name="Plain")
    WorkflowTask.objects.create(workflow=plain, task=plain_task, sort_order=0)
    WorkflowPage.objects.create(workflow=plain, page=news_index)
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    response = signed_in(approver).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(draft.pk, "approve", task_state.pk),
        ),
        {"comment": ""},
        follow=True,
    )

    draft.refresh_from_db()
    assert not draft.live
    assert draft.current_workflow_task_state.pk == task_state.pk
    assert b"do not have permission" in response.content
