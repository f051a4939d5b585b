"""Joining or leaving a role that opens safeguarding information or approves
publication (issue 21, item 16): through Wagtail's real admin forms, it names the role
and who changed it in the audit, needs a fresh code used once, tells the DSL and the
headteacher at once, and nobody gives it to themself without a second person."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation import roles
from moderation.models import IncidentCategory, RoleGrant
from moderation.staff_roles import audit
from tests.factories import staff
from tests.moderation.incidents.conftest import report, signed_in
from tests.moderation.two_factor.conftest import code_at

STEP_UP = reverse("two_factor:step_up")
REQUESTS = reverse("staff_roles:requests")


@pytest.fixture
def superuser(db):
    return staff("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def dsl(db):
    return staff("dsl", roles.SAFEGUARDING, email="dsl@school.example")


@pytest.fixture
def head(db):
    return staff(
        "head", roles.SENIOR_LEADERSHIP, roles.HEADTEACHER, email="head@school.example"
    )


@pytest.fixture
def teacher(db):
    return staff("teacher", roles.EDITORS)


def group(name: str) -> Group:
    return Group.objects.get(name=name)


def edit_form(user, *groups: str, **changes) -> dict:
    """The user edit form as Wagtail shows it, with ``groups`` ticked."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [str(group(name).pk) for name in groups],
        **changes,
    }


def edit(client, user, *groups: str, **changes):
    return client.post(
        reverse("wagtailusers_users:edit", args=[user.pk]),
        edit_form(user, *groups, **changes),
    )


def who(user) -> str:
    return f"{user.get_full_name()} ({user.username})"


def role_entries(user, action: str) -> list[str]:
    """The audit messages about ``user`` for ``action``, as the history shows them."""
    return [
        entry.message
        for entry in ModelLogEntry.objects.filter(action=action, object_id=str(user.pk))
    ]


def in_role(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


def test_the_administrator_cannot_give_himself_the_headteacher_role(
    superuser, dsl, head, teacher, django_capture_on_commit_callbacks
):
    incident = report(teacher, category=IncidentCategory.SAFEGUARDING)
    client = signed_in(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, superuser, roles.HEADTEACHER)

    assert response.status_code == 302
    assert not in_role(superuser, roles.HEADTEACHER)
    page = client.get(response["Location"]).content.decode()
    assert "You cannot give yourself Headteacher" in page
    detail = reverse("incidents:detail", args=[incident.pk])
    assert client.get(detail).status_code == 403  # still refused
    grant = RoleGrant.objects.get(member=superuser)
    assert (grant.group.name, grant.status) == (roles.HEADTEACHER, "waiting")
    assert role_entries(superuser, audit.REQUESTED) == [
        f"{who(superuser)} asked to join the Headteacher role; waiting for the DSL "
        "or headteacher"
    ]
    history = client.get(reverse("wagtailusers_users:history", args=[superuser.pk]))
    assert "asked to join the Headteacher role" in history.content.decode()
    [email] = mail.outbox
    assert sorted(email.to) == ["dsl@school.example", "head@school.example"]
    assert "asked to join: Headteacher" in email.body
    assert REQUESTS in email.body


def test_a_second_person_confirms_with_a_new_code_and_only_then_he_reads_them(
    superuser, dsl, head, teacher, django_capture_on_commit_callbacks
):
    incident = report(teacher, category=IncidentCategory.SAFEGUARDING)
    admin_client = signed_in(superuser)
    edit(admin_client, superuser, roles.HEADTEACHER)
    grant = RoleGrant.objects.get(member=superuser)
    confirm = reverse("staff_roles:decide", args=[grant.pk, "confirm"])

    # Not himself, and not without a fresh code.
    admin_client.post(confirm)
    stale_dsl = signed_in(dsl, verified_at=time.time() - 16 * 60)
    asked = stale_dsl.post(confirm)
    assert urlparse(asked["Location"]).path == STEP_UP
    assert not in_role(superuser, roles.HEADTEACHER)

    dsl_client = signed_in(dsl)
    with django_capture_on_commit_callbacks(execute=True):
        dsl_client.post(confirm)

    assert in_role(superuser, roles.HEADTEACHER)
    assert (
        admin_client.get(reverse("incidents:detail", args=[incident.pk])).status_code
        == 200
    )
    assert role_entries(superuser, audit.CONFIRMED) == [
        f"Request to join Headteacher confirmed by {who(dsl)}"
    ]
    assert mail.outbox[-1].to == ["dsl@school.example", "head@school.example"]
    assert "confirmed by" in mail.outbox[-1].body


def test_a_refused_request_gives_nothing(superuser, dsl, head):
    edit(signed_in(superuser), superuser, roles.SAFEGUARDING)
    grant = RoleGrant.objects.get(member=superuser)

    signed_in(head).post(reverse("staff_roles:decide", args=[grant.pk, "refuse"]))

    assert not in_role(superuser, roles.SAFEGUARDING)
    grant.refresh_from_db()
    assert grant.status == "refused"
    page = signed_in(head).get(REQUESTS).content.decode()
    assert "Refused" in page


@pytest.mark.parametrize("role", roles.SENSITIVE_ROLES)
def test_giving_someone_a_sensitive_role_names_it_and_tells_the_dsl_and_head(
    superuser, dsl, head, teacher, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(signed_in(superuser), teacher, roles.EDITORS, role)

    assert in_role(teacher, role)
    assert role_entries(teacher, audit.GIVEN) == [
        f"Given the {role} role by {who(superuser)}"
    ]
    [email] = mail.outbox
    assert sorted(email.to) == ["dsl@school.example", "head@school.example"]
    assert f"was given: {role}" in email.body
    assert "admin" in email.body


def test_removing_a_role_is_audited_and_told_too(
    superuser, dsl, head, django_capture_on_commit_callbacks
):
    second_dsl = staff("dsl2", roles.SAFEGUARDING)

    with django_capture_on_commit_callbacks(execute=True):
        edit(signed_in(superuser), second_dsl)

    assert not in_role(second_dsl, roles.SAFEGUARDING)
    assert role_entries(second_dsl, audit.REMOVED) == [
        f"Removed from the Safeguarding role by {who(superuser)}"
    ]
    [email] = mail.outbox
    assert "was removed from: Safeguarding" in email.body


def test_each_change_needs_its_own_fresh_code(superuser, dsl, head, teacher):
    client = signed_in(superuser)
    edit(client, teacher, roles.EDITORS, roles.APPROVERS)
    assert in_role(teacher, roles.APPROVERS)

    # The same code does not hand out a second role.
    response = edit(client, teacher, roles.EDITORS, roles.APPROVERS, roles.SAFEGUARDING)
    assert urlparse(response["Location"]).path == STEP_UP
    assert not in_role(teacher, roles.SAFEGUARDING)

    device = superuser.totpdevice_set.get()
    carried_on = client.post(
        response["Location"], {"otp_token": code_at(device, steps_from_now=1)}
    )
    assert "Continue" in carried_on.content.decode()  # the kept form, to send again
    edit(client, teacher, roles.EDITORS, roles.APPROVERS, roles.SAFEGUARDING)
    assert in_role(teacher, roles.SAFEGUARDING)


def test_a_change_that_touches_no_sensitive_role_spends_no_code(superuser, teacher):
    client = signed_in(superuser)
    edit(client, teacher, roles.EDITORS, roles.APPROVERS)
    response = edit(client, teacher, roles.EDITORS, roles.APPROVERS, first_name="Jo")

    assert urlparse(response["Location"]).path != STEP_UP
    teacher.refresh_from_db()
    assert teacher.first_name == "Jo"


def test_making_someone_a_superuser_is_a_sensitive_change(
    superuser, dsl, head, teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(signed_in(superuser), teacher, roles.EDITORS, is_superuser="on")

    teacher.refresh_from_db()
    assert teacher.is_superuser
    assert "Given the Site administrator" in role_entries(teacher, audit.GIVEN)[0]
    assert "Site administrator" in mail.outbox[0].body


def test_a_new_account_created_with_a_role_is_audited_and_told(
    superuser, dsl, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(superuser).post(
            reverse("wagtailusers_users:add"),
            {
                "username": "newhead",
                "email": "newhead@school.example",
                "first_name": "New",
                "last_name": "Head",
                "password1": "a-long-new-password-123",
                "password2": "a-long-new-password-123",
                "groups": [str(group(roles.HEADTEACHER).pk)],
            },
        )

    newhead = Group.objects.get(name=roles.HEADTEACHER).user_set.get(username="newhead")
    assert role_entries(newhead, audit.GIVEN) == [
        f"Given the Headteacher role by {who(superuser)}"
    ]
    assert "newhead" in mail.outbox[0].subject


def test_assign_role_in_bulk_holds_the_administrators_own_account(
    superuser, dsl, head, teacher, django_capture_on_commit_callbacks
):
    url = reverse("wagtail_bulk_action", args=("auth", "user", "assign_role"))
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(superuser).post(
            f"{url}?id={superuser.pk}&id={teacher.pk}",
            {"role": group(roles.APPROVERS).pk},
        )

    assert in_role(teacher, roles.APPROVERS)
    assert not in_role(superuser, roles.APPROVERS)
    assert RoleGrant.objects.filter(member=superuser, status="waiting").exists()
    assert role_entries(teacher, audit.GIVEN) == [
        f"Given the Approvers role by {who(superuser)}"
    ]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("role", roles.SENSITIVE_ROLES)
def test_a_sensitive_role_cannot_be_renamed_or_deleted(superuser, role):
    client = signed_in(superuser)
    pk = group(role).pk

    renamed = client.post(
        reverse("wagtailusers_groups:edit", args=[pk]), {"name": "Former role"}
    )
    deleted = client.post(reverse("wagtailusers_groups:delete", args=[pk]), follow=True)

    assert Group.objects.get(pk=pk).name == role
    assert "cannot be renamed" in renamed.content.decode()
    assert "cannot be deleted" in deleted.content.decode()


@pytest.mark.parametrize("codename", ["view_do_not_publish_reason", "view_learner"])
def test_a_group_cannot_be_given_the_consent_registers_safeguarding_rights(
    superuser, codename
):
    from django.contrib.auth.models import Permission

    editors = group(roles.EDITORS)
    right = Permission.objects.get(content_type__model="learner", codename=codename)
    client = signed_in(superuser)
    url = reverse("wagtailusers_groups:edit", args=[editors.pk])
    shown = client.get(url).context
    # The form as the page shows it: the ticked boxes, and each permission table's
    # own form set, with the consent register's box ticked too.
    offered = shown["form"].fields["permissions"].queryset
    ticked = [p for p in shown["form"].initial["permissions"] if p in offered]
    data = {"name": roles.EDITORS, "permissions": [str(p.pk) for p in [*ticked, right]]}
    for panel in shown["permission_panels"]:
        if hasattr(panel, "management_form"):
            data[f"{panel.prefix}-TOTAL_FORMS"] = "0"
            data[f"{panel.prefix}-INITIAL_FORMS"] = "0"

    response = client.post(url, data)

    assert right not in editors.permissions.all()
    assert "open the consent register" in response.content.decode()


def test_djangos_own_admin_does_not_offer_users_or_groups(superuser):
    client = signed_in(superuser)

    assert client.get("/admin/django/auth/user/").status_code == 404
    assert client.get("/admin/django/auth/group/").status_code == 404
