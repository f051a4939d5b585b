"""Who may act on a delivery: the people who run its account, not every editor.

Editors and approvers see deliveries but cannot retry, resend or mark them: no
button, and a forged POST answers 403 with nothing changed. The account's owner and
managers (whatever their role) and senior leadership can.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from moderation.roles import APPROVERS, EDITORS, SENIOR_LEADERSHIP
from publishing.models import Delivery
from tests import factories
from tests.twofactor import login_verified

ACTIONS = ("retry", "resend", "look-again", "mark-sent", "mark-not-on-network")
BUTTONS = (
    b"Try again",
    b"Look on the network again",
    b"send it again",
    b"mark it sent",
    b"The post is not on the network",
)


def delivery_in(status, *, account, news_index):
    page = factories.NewsPageFactory(parent=news_index)
    return Delivery.objects.create(
        page=page,
        page_title="Sports day",
        account=account,
        text="Sports day!",
        link="http://testserver/news/sports-day/",
        status=status,
        reason="The network refused it",
    )


def snapshot(delivery):
    delivery.refresh_from_db()
    return (
        delivery.status,
        delivery.remote_id,
        delivery.attempts,
        delivery.reason,
        ModelLogEntry.objects.for_instance(delivery).count(),
    )


@pytest.mark.parametrize("role", [EDITORS, APPROVERS])
@pytest.mark.parametrize(
    "status", [Delivery.Status.FAILED, Delivery.Status.NEEDS_ATTENTION]
)
def test_editors_and_approvers_see_a_delivery_but_have_no_button(
    client, x_account, news_index, role, status
):
    delivery = delivery_in(status, account=x_account, news_index=news_index)
    login_verified(client, factories.staff("teacher", role))

    listing = client.get(reverse("publishing_deliveries:index"))
    assert reverse("publishing_delivery_detail", args=[delivery.pk]).encode() in (
        listing.content
    )
    assert b"Try again" not in listing.content

    detail = client.get(reverse("publishing_delivery_detail", args=[delivery.pk]))
    assert detail.status_code == 200
    assert b"Sports day!" in detail.content
    assert not [button for button in BUTTONS if button in detail.content]
    assert b"Only the account's owner, its managers" in detail.content


@pytest.mark.parametrize("role", [EDITORS, APPROVERS])
@pytest.mark.parametrize("action", ACTIONS)
def test_a_forged_post_from_an_editor_or_approver_is_refused_and_changes_nothing(
    client, x_account, news_index, role, action
):
    delivery = delivery_in(
        Delivery.Status.NEEDS_ATTENTION
        if action in ("resend", "look-again")
        else Delivery.Status.FAILED,
        account=x_account,
        news_index=news_index,
    )
    before = snapshot(delivery)
    login_verified(client, factories.staff("teacher", role))

    response = client.post(
        reverse("publishing_delivery_action", args=[delivery.pk, action]),
        {"remote_id": "1860000000000000999", "next": "list"},
    )

    assert response.status_code == 403
    assert snapshot(delivery) == before


def test_a_manager_of_another_account_is_refused(
    client, x_account, news_index, senior_leader
):
    other = factories.SocialAccountFactory(name="PTA Facebook", network="facebook")
    manager = factories.staff("pta", EDITORS)
    other.managers.add(manager)
    delivery = delivery_in(
        Delivery.Status.FAILED, account=x_account, news_index=news_index
    )
    before = snapshot(delivery)
    login_verified(client, manager)

    detail = client.get(reverse("publishing_delivery_detail", args=[delivery.pk]))
    assert b"Try again" not in detail.content
    response = client.post(
        reverse("publishing_delivery_action", args=[delivery.pk, "retry"])
    )
    assert response.status_code == 403
    assert snapshot(delivery) == before


@pytest.mark.parametrize("runs_it", ["manager", "owner"])
def test_whoever_runs_the_account_retries_and_marks_whatever_their_role(
    client, x_account, news_index, runs_it
):
    editor = factories.staff("office", EDITORS)
    if runs_it == "manager":
        x_account.managers.add(editor)
    else:
        x_account.owner = editor
        x_account.save(update_fields=["owner"])
    failed = delivery_in(
        Delivery.Status.FAILED, account=x_account, news_index=news_index
    )
    login_verified(client, editor)

    listing = client.get(reverse("publishing_deliveries:index"))
    assert b"Try again" in listing.content
    detail = client.get(reverse("publishing_delivery_detail", args=[failed.pk]))
    assert b"Try again" in detail.content
    assert b"mark it sent" in detail.content

    client.post(reverse("publishing_delivery_action", args=[failed.pk, "retry"]))
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.QUEUED

    stuck = delivery_in(
        Delivery.Status.NEEDS_ATTENTION, account=x_account, news_index=news_index
    )
    client.post(
        reverse("publishing_delivery_action", args=[stuck.pk, "mark-sent"]),
        {"remote_id": "1860000000000000999"},
    )
    stuck.refresh_from_db()
    assert stuck.status == Delivery.Status.SENT
    assert stuck.remote_id == "1860000000000000999"
    history = client.get(reverse("publishing_delivery_detail", args=[stuck.pk]))
    assert b"Social post marked sent (office)" in history.content


def test_senior_leadership_acts_on_every_account(client, news_index, x_account):
    head = factories.staff("deputy", SENIOR_LEADERSHIP)
    assert not x_account.managers.filter(pk=head.pk).exists()
    delivery = delivery_in(
        Delivery.Status.FAILED, account=x_account, news_index=news_index
    )
    login_verified(client, head)

    client.post(reverse("publishing_delivery_action", args=[delivery.pk, "retry"]))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED


@pytest.mark.parametrize(
    "role, may_act", [(EDITORS, False), (APPROVERS, False), (SENIOR_LEADERSHIP, True)]
)
def test_the_roles_hold_the_right_to_act_on_every_delivery_only_in_leadership(
    db, role, may_act
):
    group = Group.objects.get(name=role)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "view_delivery" in codenames
    assert ("change_delivery" in codenames) is may_act


def test_the_dashboard_lists_the_posts_of_the_accounts_a_person_runs(
    client, x_account, news_index
):
    office = factories.staff("office", EDITORS)
    x_account.managers.add(office)
    pta = factories.SocialAccountFactory(name="PTA Facebook", network="facebook")
    ours = delivery_in(Delivery.Status.FAILED, account=x_account, news_index=news_index)
    theirs = delivery_in(Delivery.Status.FAILED, account=pta, news_index=news_index)
    Delivery.objects.filter(pk=ours.pk).update(page_title="Book week")
    Delivery.objects.filter(pk=theirs.pk).update(page_title="PTA quiz night")

    login_verified(client, office)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Social media needing attention" in dashboard
    assert "Book week" in dashboard
    assert "PTA quiz night" not in dashboard

    login_verified(client, factories.staff("deputy", SENIOR_LEADERSHIP))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Book week" in dashboard and "PTA quiz night" in dashboard

    login_verified(client, factories.staff("teacher", EDITORS))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Social media needing attention" not in dashboard
