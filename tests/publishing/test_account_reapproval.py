"""An approved account's business case changes only with a new senior-leadership
decision (A1, C4): editing it sends it back to proposed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from publishing.models import SocialAccount
from tests import factories
from tests.twofactor import login_verified


def staff(username, *groups):
    user = factories.UserFactory(username=username)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def edit_form(account, **changes) -> dict:
    data = {
        "name": account.name,
        "network": account.network,
        "handle": account.handle,
        "visibility": account.visibility,
        "aim": account.aim,
        "audience": account.audience,
        "promotion_plan": account.promotion_plan,
        "access_locations": account.access_locations,
        "monitoring_plan": account.monitoring_plan,
        "escalation_procedure": account.escalation_procedure,
        "owner": account.owner_id,
        "managers": [user.pk for user in account.managers.all()],
    }
    return {**data, **changes}


@pytest.fixture
def head(client, db):
    user = staff("head", SENIOR_LEADERSHIP)
    login_verified(client, user)
    return user


@pytest.fixture
def approved_closed(db):
    # Its owner and managers are the school's staff: only they may run its accounts.
    return factories.SocialAccountFactory(
        name="Year 6 group",
        visibility="closed",
        status="approved",
        owner=factories.staff("owner", EDITORS),
        managers=[factories.staff(f"manager{n}", EDITORS) for n in range(2)],
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"visibility": "open"},
        {"network": "facebook"},
        {"owner": "new"},
        {"managers": "new"},
    ],
    ids=["closed-to-open", "network", "owner", "managers"],
)
def test_changing_the_business_case_sends_it_back_to_proposed(
    client, head, approved_closed, changes
):
    other = factories.staff("other", EDITORS)
    if changes.get("owner") == "new":
        changes = {"owner": other.pk}
    if changes.get("managers") == "new":
        changes = {"managers": [other.pk, approved_closed.managers.first().pk]}
    mail.outbox.clear()

    response = client.post(
        reverse("publishing_accounts:edit", args=[approved_closed.pk]),
        edit_form(approved_closed, **changes),
    )

    assert response.status_code == 302
    approved_closed.refresh_from_db()
    assert approved_closed.status == SocialAccount.Status.PROPOSED
    assert approved_closed.decided_by is None
    # The person who changed it proposes it now, so they cannot approve it.
    assert approved_closed.proposed_by == head
    decided = client.post(
        reverse("publishing_account_decide", args=[approved_closed.pk, "approve"]),
        follow=True,
    )
    assert b"another senior leader must approve" in decided.content
    approved_closed.refresh_from_db()
    assert approved_closed.status == SocialAccount.Status.PROPOSED
    assert ModelLogEntry.objects.filter(
        action="publishing.account.resubmitted", object_id=str(approved_closed.pk)
    ).exists()
    assert any("approve it again" in message.subject for message in mail.outbox)


def test_saving_without_changes_keeps_it_approved(client, head, approved_closed):
    response = client.post(
        reverse("publishing_accounts:edit", args=[approved_closed.pk]),
        edit_form(approved_closed),
    )

    assert response.status_code == 302
    approved_closed.refresh_from_db()
    assert approved_closed.status == SocialAccount.Status.APPROVED
