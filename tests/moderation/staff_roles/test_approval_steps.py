"""Changing which groups approve publication from Wagtail's workflow screens (issue
21, item 16): naming a group in an approval step, changing a workflow's steps or
disabling the workflow is audited naming the groups and who did it, needs a fresh
code used once, and tells the DSL and the headteacher at once; refused, nothing
changes."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry, Workflow

from moderation import roles
from moderation.models import ApprovalTask
from moderation.staff_roles import audit
from tests.factories import staff
from tests.moderation.incidents.conftest import signed_in
from tests.moderation.two_factor.conftest import code_at

STEP_UP = reverse("two_factor:step_up")
APPROVAL = "Approval by an approver"


@pytest.fixture
def superuser(db):
    return staff("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def guardians(db):
    staff("dsl", roles.SAFEGUARDING, email="dsl@school.example")
    staff("head", roles.HEADTEACHER, email="head@school.example")


def who(user) -> str:
    return f"{user.get_full_name()} ({user.username})"


def step() -> ApprovalTask:
    return ApprovalTask.objects.get(name=APPROVAL)


def approvers() -> set[str]:
    return set(step().groups.values_list("name", flat=True))


def edit_step(client, *groups: str):
    """Wagtail's own task edit form for the approval step, with ``groups`` ticked."""
    return client.post(
        reverse("wagtailadmin_workflows:edit_task", args=[step().pk]),
        {
            "name": APPROVAL,
            "groups": [str(Group.objects.get(name=name).pk) for name in groups],
        },
    )


def entries(instance) -> list[str]:
    return [
        entry.message
        for entry in ModelLogEntry.objects.filter(
            action=audit.APPROVERS_CHANGED, object_id=str(instance.pk)
        )
    ]


def test_a_group_named_in_the_approval_step_is_audited_and_told(
    superuser, guardians, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = edit_step(signed_in(superuser), roles.APPROVERS, roles.EDITORS)

    assert response.status_code == 302
    assert approvers() == {roles.APPROVERS, roles.EDITORS}
    assert entries(step()) == [
        f"Approvers of the approval step “{APPROVAL}” changed by {who(superuser)}: "
        "now approve: Editors"
    ]
    [email] = mail.outbox
    assert sorted(email.to) == ["dsl@school.example", "head@school.example"]
    assert "now approve: Editors" in email.body
    assert who(superuser) in email.body


def test_removing_a_group_is_audited_too(
    superuser, guardians, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit_step(signed_in(superuser), roles.SENIOR_LEADERSHIP)

    assert approvers() == {roles.SENIOR_LEADERSHIP}
    assert entries(step()) == [
        f"Approvers of the approval step “{APPROVAL}” changed by {who(superuser)}: "
        "now approve: Senior leadership; no longer approve: Approvers"
    ]
    assert "no longer approve: Approvers" in mail.outbox[0].body


def test_each_change_of_approvers_needs_its_own_fresh_code(superuser, guardians):
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)

    # The same code does not name a second group.
    response = edit_step(client, roles.APPROVERS, roles.EDITORS, roles.SCHOOL_OFFICE)
    assert urlparse(response["Location"]).path == STEP_UP
    assert approvers() == {roles.APPROVERS, roles.EDITORS}
    assert len(entries(step())) == 1

    device = superuser.totpdevice_set.get()
    client.post(response["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    edit_step(client, roles.APPROVERS, roles.EDITORS, roles.SCHOOL_OFFICE)
    assert approvers() == {roles.APPROVERS, roles.EDITORS, roles.SCHOOL_OFFICE}


def test_renaming_the_step_alone_spends_no_code(superuser):
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)
    response = edit_step(client, roles.APPROVERS, roles.EDITORS)

    assert urlparse(response["Location"]).path != STEP_UP


def test_a_new_step_with_a_group_needs_a_code_and_is_told(
    superuser, guardians, django_capture_on_commit_callbacks
):
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)  # spends the code
    add = reverse(
        "wagtailadmin_workflows:add_task", args=["moderation", "approvaltask"]
    )
    form = {
        "name": "Office approval",
        "groups": [str(Group.objects.get(name=roles.SCHOOL_OFFICE).pk)],
    }

    refused = client.post(add, form)
    assert urlparse(refused["Location"]).path == STEP_UP
    assert not ApprovalTask.objects.filter(name="Office approval").exists()

    device = superuser.totpdevice_set.get()
    client.post(refused["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add, form)
    created = ApprovalTask.objects.get(name="Office approval")
    assert entries(created) == [
        "Approvers of the new approval step “Office approval” changed by "
        f"{who(superuser)}: now approve: School office"
    ]
    assert "now approve: School office" in mail.outbox[0].body


def test_disabling_the_workflow_needs_a_code_and_is_told(
    superuser, guardians, django_capture_on_commit_callbacks
):
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)  # spends the code
    workflow = Workflow.objects.get(active=True)
    disable = reverse("wagtailadmin_workflows:disable", args=[workflow.pk])

    refused = client.post(disable)
    assert urlparse(refused["Location"]).path == STEP_UP
    workflow.refresh_from_db()
    assert workflow.active

    device = superuser.totpdevice_set.get()
    client.post(refused["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(disable)
    workflow.refresh_from_db()
    assert not workflow.active
    [entry] = entries(workflow)
    assert "(disabled)" in entry and "no longer approve: Approvers" in entry
    assert "no longer approve" in mail.outbox[0].body


def test_a_step_added_to_the_workflow_is_audited_and_needs_a_code(
    superuser, guardians, django_capture_on_commit_callbacks
):
    office = ApprovalTask.objects.create(name="Office approval")
    office.groups.set([Group.objects.get(name=roles.SCHOOL_OFFICE)])
    workflow = Workflow.objects.get(active=True)
    links = list(workflow.workflow_tasks.order_by("sort_order"))
    form = {
        "name": workflow.name,
        "workflow_tasks-TOTAL_FORMS": str(len(links) + 1),
        "workflow_tasks-INITIAL_FORMS": str(len(links)),
        "workflow_tasks-MIN_NUM_FORMS": "0",
        "workflow_tasks-MAX_NUM_FORMS": "1000",
        "pages-TOTAL_FORMS": "0",
        "pages-INITIAL_FORMS": "0",
        "pages-MIN_NUM_FORMS": "0",
        "pages-MAX_NUM_FORMS": "1000",
        "content_types": [
            str(pk)
            for pk in workflow.workflow_content_types.values_list(
                "content_type", flat=True
            )
        ],
    }
    for index, (link_id, task_id) in enumerate(
        [*((link.pk, link.task_id) for link in links), ("", office.pk)]
    ):
        form |= {
            f"workflow_tasks-{index}-task": str(task_id),
            f"workflow_tasks-{index}-id": str(link_id),
            f"workflow_tasks-{index}-ORDER": str(index + 1),
            f"workflow_tasks-{index}-DELETE": "",
        }
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)  # spends the code
    edit = reverse("wagtailadmin_workflows:edit", args=[workflow.pk])

    refused = client.post(edit, form)
    assert urlparse(refused["Location"]).path == STEP_UP
    assert not workflow.workflow_tasks.filter(task=office).exists()

    device = superuser.totpdevice_set.get()
    client.post(refused["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(edit, form)
    assert saved.status_code == 302
    assert workflow.workflow_tasks.filter(task=office).exists()
    assert entries(workflow) == [
        f"Approvers of the workflow “{workflow.name}” changed by {who(superuser)}: "
        "now approve: School office"
    ]
    assert "now approve: School office" in mail.outbox[0].body


def test_disabling_the_senior_step_needs_a_code_and_is_told(
    superuser, guardians, django_capture_on_commit_callbacks
):
    senior = ApprovalTask.objects.get(sensitive_content_only=True)
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)  # spends the code
    disable = reverse("wagtailadmin_workflows:disable_task", args=[senior.pk])

    refused = client.post(disable)
    assert urlparse(refused["Location"]).path == STEP_UP
    senior.refresh_from_db()
    assert senior.active

    device = superuser.totpdevice_set.get()
    client.post(refused["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(disable)
    senior.refresh_from_db()
    assert not senior.active
    assert entries(senior) == [
        f"Approvers of the approval step “{senior.name}” (disabled) changed by "
        f"{who(superuser)}: no longer approve: Senior leadership"
    ]
    assert "no longer approve: Senior leadership" in mail.outbox[0].body


def test_enabling_a_disabled_step_again_needs_a_code_and_is_told(
    superuser, guardians, django_capture_on_commit_callbacks
):
    senior = ApprovalTask.objects.get(sensitive_content_only=True)
    ApprovalTask.objects.filter(pk=senior.pk).update(active=False)
    client = signed_in(superuser)
    edit_step(client, roles.APPROVERS, roles.EDITORS)  # spends the code
    enable = reverse("wagtailadmin_workflows:enable_task", args=[senior.pk])

    refused = client.post(enable)
    assert urlparse(refused["Location"]).path == STEP_UP
    senior.refresh_from_db()
    assert not senior.active

    device = superuser.totpdevice_set.get()
    client.post(refused["Location"], {"otp_token": code_at(device, steps_from_now=1)})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(enable)
    senior.refresh_from_db()
    assert senior.active
    assert entries(senior) == [
        f"Approvers of the approval step “{senior.name}” (enabled) changed by "
        f"{who(superuser)}: now approve: Senior leadership"
    ]
    assert "now approve: Senior leadership" in mail.outbox[0].body
