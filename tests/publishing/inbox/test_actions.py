"""What a manager does with a comment: reply (checked for names, approved by a second
person when it names someone or links away), hide and show again, raise an incident,
block with the reason recorded."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from moderation.models import BlockedAccount, Incident
from publishing.inbox import services
from publishing.inbox.models import InboxAction, InboxItem, InboxReply
from publishing.inbox.services import InboxRefused, inbox_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(facebook_page, facebook_account, school_post):
    facebook_page.add_comment(
        school_post, message="You lot are useless", author_name="Angry Person"
    )
    inbox_read(account=facebook_account)
    return InboxItem.objects.get()


def _page_replies(emulator):
    return [c for c in emulator.state()["comments"] if c["by_page"]]


def test_a_managers_plain_reply_goes_straight_out_once(item, facebook_page, managers):
    reply = services.reply_write(
        item=item, text="Sorry to hear that; please call us.", by=managers[0]
    )

    assert reply.status == InboxReply.Status.SENT
    assert [c["message"] for c in _page_replies(facebook_page)] == [
        "Sorry to hear that; please call us."
    ]
    item.refresh_from_db()
    assert item.state == InboxItem.State.ANSWERED
    services._reply_send(reply)  # sending again: never twice
    assert len(_page_replies(facebook_page)) == 1


def test_a_reply_naming_a_pupil_is_refused(item, facebook_page, managers, amelia):
    with pytest.raises(InboxRefused, match="names a pupil"):
        services.reply_write(item=item, text="Amelia Jones did well", by=managers[0])
    assert _page_replies(facebook_page) == []


def test_a_reply_linking_away_waits_for_a_second_person(item, facebook_page, managers):
    reply = services.reply_write(
        item=item, text="See https://elsewhere.example/info", by=managers[0]
    )
    assert reply.status == InboxReply.Status.AWAITING_APPROVAL
    assert _page_replies(facebook_page) == []

    with pytest.raises(InboxRefused, match="other than the writer"):
        services.reply_approve(reply=reply, by=managers[0])
    services.reply_approve(reply=reply, by=managers[1])

    reply.refresh_from_db()
    assert reply.status == InboxReply.Status.SENT
    assert len(_page_replies(facebook_page)) == 1


def test_a_reply_that_fails_on_the_network_is_kept_and_says_why(
    item, facebook_page, managers
):
    facebook_page.fail_next(status=500)
    reply = services.reply_write(
        item=item, text="We will look into it.", by=managers[0]
    )

    assert reply.status == InboxReply.Status.FAILED
    assert "temporary problem" in reply.problem
    assert InboxItem.objects.get().state == InboxItem.State.NEW


def test_only_the_accounts_managers_reply(item):
    with pytest.raises(InboxRefused, match="managers"):
        services.reply_write(item=item, text="Hello", by=UserFactory())


def test_hide_and_show_again_in_one_step_each(item, facebook_page, managers):
    services.item_hide(item=item, by=managers[0])
    assert facebook_page.state()["comments"][0]["is_hidden"]
    services.item_show(item=item, by=managers[0])
    assert not facebook_page.state()["comments"][0]["is_hidden"]
    assert list(item.log.values_list("kind", flat=True)) == [
        InboxAction.Kind.HIDDEN,
        InboxAction.Kind.SHOWN,
    ]


def test_raise_incident_keeps_the_comment_as_hashed_evidence(item, managers):
    incident = services.item_raise_incident(item=item, by=managers[0], category="abuse")

    assert incident.content_as_reported == "You lot are useless"
    assert incident.url == item.url
    assert "Angry Person" in incident.people_involved
    evidence = incident.evidence.get()
    assert evidence.file_type == "Plain text"
    assert len(evidence.sha256) == 64
    item.refresh_from_db()
    assert item.state == InboxItem.State.ESCALATED
    with pytest.raises(InboxRefused):
        services.item_raise_incident(item=item, by=managers[0], category="abuse")


def test_block_records_the_reason_and_blocks_on_facebook(item, facebook_page, managers):
    message = services.block_message_draft(item=item, grounds="harassment")
    assert "harassment" in message and "Angry Person" in message

    services.item_block(
        item=item,
        by=managers[0],
        grounds="harassment",
        message=message,
        review_on=timezone.localdate() + datetime.timedelta(days=90),
    )

    blocked = BlockedAccount.objects.get()
    assert blocked.message_sent == message
    assert blocked.grounds == "harassment"
    assert facebook_page.state()["blocked_users"] == [item.author_id]
    assert Incident.objects.count() == 0
