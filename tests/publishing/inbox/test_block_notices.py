"""Blocking tells the person exactly why (I3): the drafted message is edited by a
manager and sent privately, exactly once, where the network allows it; elsewhere the
manager is told to send it by hand and records the words. The blocked accounts
register keeps the words sent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from moderation.models import BlockedAccount
from publishing.inbox import services
from publishing.inbox.block_notices import block_notice_send
from publishing.inbox.models import BlockNotice, InboxAction, InboxItem
from publishing.inbox.services import inbox_read
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
REVIEW = datetime.timedelta(days=90)


def _block(item, by, message="You were blocked for offensive language."):
    return services.item_block(
        item=item,
        by=by,
        grounds="offensive_language",
        message=message,
        review_on=timezone.localdate() + REVIEW,
    )


def _read_one(emulator_add, account):
    remote_id = emulator_add()
    inbox_read(account=account)
    return InboxItem.objects.get(remote_id=remote_id)


def test_a_manager_blocking_on_facebook_sends_the_reason_privately_once(
    facebook_page, facebook_account, school_post, managers
):
    item = _read_one(
        lambda: facebook_page.add_comment(
            school_post, message="You idiots", author_name="Angry Person"
        ),
        facebook_account,
    )
    words = services.block_message_draft(item=item, grounds="offensive_language")
    blocked = _block(item, managers[0], words)

    notice = BlockNotice.objects.get()
    assert notice.status == BlockNotice.Status.SENT
    assert notice.site == item.site == blocked.site
    [sent] = facebook_page.state()["private_replies"]
    assert (sent["to"], sent["text"]) == (item.author_id, words)
    assert facebook_page.state()["blocked_users"] == [item.author_id]
    assert BlockedAccount.objects.get().message_sent == words

    again = block_notice_send(
        notice=notice,
        text="Something else",
        by=managers[1],
        reader=services.account_reader(facebook_account),
    )
    assert again.status == BlockNotice.Status.SENT
    assert len(facebook_page.state()["private_replies"]) == 1  # never twice
    assert BlockedAccount.objects.get().message_sent == words


def test_blocked_by_the_dsl_the_draft_waits_for_a_manager_who_edits_and_sends_it(
    client, instagram_emulator, instagram_account, instagram_post, managers, dsl
):
    item = _read_one(
        lambda: instagram_emulator.add_comment(instagram_post, message="Spam spam"),
        instagram_account,
    )
    _block(item, dsl, "Draft words")
    notice = BlockNotice.objects.get()
    assert notice.status == BlockNotice.Status.DRAFT
    assert instagram_emulator.state()["private_replies"] == []

    login_verified(client, managers[0])
    page = client.get(f"/admin/inbox/{item.pk}/").content.decode()
    assert "Draft words" in page and "Send it to them privately" in page
    edited = "Helo. You were blocked for spamming. Cysylltwch â'r swyddfa 🙏"
    client.post(f"/admin/inbox/notice/{notice.pk}/send/", {"text": edited})

    [sent] = instagram_emulator.state()["private_replies"]
    assert sent["text"] == edited
    assert BlockedAccount.objects.get().message_sent == edited
    notice.refresh_from_db()
    assert (notice.status, notice.sent_by) == (BlockNotice.Status.SENT, managers[0])
    assert item.log.filter(kind=InboxAction.Kind.TOLD_WHY, by=managers[0]).exists()


def test_on_bluesky_the_manager_is_told_to_send_it_by_hand_and_records_the_words(
    client, bluesky_emulator, bluesky_account, bluesky_post, managers
):
    item = _read_one(
        lambda: bluesky_emulator.add_reply(bluesky_post, text="You are all useless"),
        bluesky_account,
    )
    _block(item, managers[0], "Drafted reason")

    notice = BlockNotice.objects.get()
    assert notice.status == BlockNotice.Status.BY_HAND
    assert bluesky_emulator.state()["blocked"] == [item.author_id]
    login_verified(client, managers[0])
    page = client.get(f"/admin/inbox/{item.pk}/").content.decode()
    assert "Send it by hand" in page and "Send it to them privately" not in page

    client.post(
        f"/admin/inbox/notice/{notice.pk}/sent-by-hand/", {"text": "What I sent"}
    )
    notice.refresh_from_db()
    assert notice.status == BlockNotice.Status.SENT_BY_HAND
    assert BlockedAccount.objects.get().message_sent == "What I sent"
    answer = client.post(
        f"/admin/inbox/notice/{notice.pk}/sent-by-hand/", {"text": "Again"}, follow=True
    )
    assert "already sent" in answer.content.decode()
    assert BlockedAccount.objects.get().message_sent == "What I sent"


def test_a_failed_send_is_kept_with_the_reason_and_sent_once_on_retry(
    client, facebook_page, facebook_account, school_post, managers, dsl
):
    item = _read_one(
        lambda: facebook_page.add_comment(school_post, message="Rude words"),
        facebook_account,
    )
    _block(item, dsl, "Why you were blocked")
    notice = BlockNotice.objects.get()
    login_verified(client, managers[0])
    url = f"/admin/inbox/notice/{notice.pk}/send/"

    facebook_page.fail_next(status=500, path_contains="/messages")
    page = client.post(url, {"text": "Why you were blocked"}, follow=True)
    assert "The message was not sent" in page.content.decode()
    notice.refresh_from_db()
    assert notice.status == BlockNotice.Status.FAILED
    assert facebook_page.state()["private_replies"] == []
    assert "Send it by hand" in page.content.decode()

    client.post(url, {"text": "Why you were blocked"})
    client.post(url, {"text": "Why you were blocked"})
    assert len(facebook_page.state()["private_replies"]) == 1


@pytest.mark.parametrize(
    ("who", "text", "error"),
    [
        (0, "", "Write the message"),
        (0, "x" * 1001, "1000 characters"),
        (None, "Fine words", "Only the account&#x27;s managers"),
    ],
)
def test_odd_input_to_the_notice_is_a_clear_error_and_sends_nothing(
    client,
    facebook_page,
    facebook_account,
    school_post,
    managers,
    dsl,
    who,
    text,
    error,
):
    item = _read_one(
        lambda: facebook_page.add_comment(school_post, message="Rude"),
        facebook_account,
    )
    _block(item, dsl, "Draft")
    notice = BlockNotice.objects.get()
    login_verified(client, managers[who] if who is not None else dsl)

    answer = client.post(
        f"/admin/inbox/notice/{notice.pk}/send/", {"text": text}, follow=True
    )
    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert facebook_page.state()["private_replies"] == []
    assert client.post(f"/admin/inbox/notice/{notice.pk}/nonsense/").status_code == 404
