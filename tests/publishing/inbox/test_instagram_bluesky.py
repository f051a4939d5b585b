"""Instagram comments and Bluesky replies and mentions reach the inbox by the
scheduled poll, once each, with every rule applied; Instagram hides harmful ones,
Bluesky cannot and makes them top priority; faults lose nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from publishing.inbox.models import InboxAction, InboxItem, InboxReading
from publishing.inbox.services import (
    InboxRefused,
    inbox_read,
    inboxes_read,
    item_hide,
    reply_write,
)

pytestmark = pytest.mark.django_db


def _ig_comment(emulator, comment_id):
    return next(c for c in emulator.state()["comments"] if c["id"] == comment_id)


def test_instagram_comments_and_replies_come_once_each_by_the_scheduled_poll(
    instagram_emulator, instagram_account, instagram_post
):
    first = instagram_emulator.add_comment(
        instagram_post, message="Llongyfarchiadau! 🎉 Da iawn", author_name="sian_w"
    )
    reply = instagram_emulator.add_comment(
        instagram_post, message="Agreed 👏", author_name="ben", parent_id=first
    )
    for number in range(120):  # more than one page of comments
        instagram_emulator.add_comment(instagram_post, message=f"Lovely {number}")

    assert "122 new comment(s)" in inboxes_read(now=timezone.now())
    assert InboxItem.objects.filter(account=instagram_account).count() == 122
    assert inbox_read(account=instagram_account) == 0  # read again: none doubled

    welsh = InboxItem.objects.get(remote_id=first)
    assert welsh.text == "Llongyfarchiadau! 🎉 Da iawn"
    assert welsh.author_name == "sian_w"
    assert welsh.post_remote_id == instagram_post
    assert welsh.url.endswith(f"/c/{first}/")
    assert InboxItem.objects.get(remote_id=reply).parent_remote_id == first


def test_a_harmful_instagram_comment_is_hidden_at_once_and_shown_again_in_one_step(
    instagram_emulator, instagram_account, instagram_post, amelia, managers
):
    comment = instagram_emulator.add_comment(
        instagram_post, message="Amelia Jones fell over 😂"
    )
    inbox_read(account=instagram_account)

    item = InboxItem.objects.get()
    assert _ig_comment(instagram_emulator, comment)["is_hidden"]
    assert item.state == InboxItem.State.HIDDEN
    assert item.flagged_for_dsl
    assert item.rule == "Names a pupil in full"

    from publishing.inbox.services import item_show

    item_show(item=item, by=managers[0])
    assert not _ig_comment(instagram_emulator, comment)["is_hidden"]


def test_an_instagram_token_without_the_moderation_permission_leaves_it_top_priority(
    instagram_emulator, instagram_account, instagram_post, managers
):
    harmful = instagram_emulator.add_comment(
        instagram_post, message="Ring me on 07700 900123"
    )
    fine = instagram_emulator.add_comment(instagram_post, message="Nice one")
    instagram_emulator.fail_next("moderation_refused", path_contains=harmful, times=2)
    inbox_read(account=instagram_account)

    item = InboxItem.objects.get(remote_id=harmful)
    assert item.top_priority and item.flagged_for_dsl
    assert not _ig_comment(instagram_emulator, harmful)["is_hidden"]
    refused = item.log.get(kind=InboxAction.Kind.HIDE_FAILED)
    assert "instagram_manage_comments" in refused.note
    assert "connect the Instagram account again" in refused.note

    # Hiding by hand is refused with the network's reason; nothing changes.
    other = InboxItem.objects.get(remote_id=fine)
    instagram_emulator.fail_next("moderation_refused", path_contains=fine)
    with pytest.raises(InboxRefused, match="instagram_manage_comments"):
        item_hide(item=other, by=managers[0])
    other.refresh_from_db()
    assert other.state == InboxItem.State.NEW and not other.hidden_on_network


def test_a_hide_instagram_refuses_for_another_reason_is_top_priority_too(
    instagram_emulator, instagram_account, instagram_post
):
    harmful = instagram_emulator.add_comment(
        instagram_post, message="Email me: jo@example.com"
    )
    instagram_emulator.fail_next(status=500, path_contains=harmful)
    inbox_read(account=instagram_account)

    item = InboxItem.objects.get()
    assert item.top_priority and not item.hidden_on_network
    assert "temporary problem" in item.log.get(kind=InboxAction.Kind.HIDE_FAILED).note


def test_an_instagram_comment_deleted_before_the_poll_is_not_there(
    instagram_emulator, instagram_account, instagram_post
):
    gone = instagram_emulator.add_comment(instagram_post, message="Oops")
    instagram_emulator.add_comment(instagram_post, message="Diolch!")
    instagram_emulator.delete_comment_by_hand(gone)

    assert inbox_read(account=instagram_account) == 1
    assert InboxItem.objects.get().text == "Diolch!"


def test_an_instagram_reply_goes_out_once(
    instagram_emulator, instagram_account, instagram_post, managers
):
    instagram_emulator.add_comment(instagram_post, message="When is the next one?")
    inbox_read(account=instagram_account)
    reply = reply_write(item=InboxItem.objects.get(), text="In June!", by=managers[0])

    ours = [c for c in instagram_emulator.state()["comments"] if c["by_page"]]
    assert [c["message"] for c in ours] == ["In June!"]
    assert reply.remote_id == ours[0]["id"]
    assert inbox_read(account=instagram_account) == 0  # our reply is not an item


def test_bluesky_replies_and_mentions_come_once_each_and_likes_do_not(
    bluesky_emulator, bluesky_account, bluesky_post
):
    reply = bluesky_emulator.add_reply(
        bluesky_post, text="Diolch o galon! 🏃‍♀️🏃", author_name="Siân"
    )
    under = bluesky_emulator.add_reply(reply, text="Yes!", author_handle="dad.bsky")
    mention = bluesky_emulator.add_mention(text="Great news from the school")
    bluesky_emulator.add_like(bluesky_post)

    assert inbox_read(account=bluesky_account) == 3
    assert inbox_read(account=bluesky_account) == 0

    item = InboxItem.objects.get(remote_id=reply)
    assert item.text == "Diolch o galon! 🏃‍♀️🏃"
    assert item.author_name == "Siân"
    assert item.post_remote_id == bluesky_post
    assert item.url.endswith("/post/" + reply.rsplit("/", 1)[-1])
    assert InboxItem.objects.get(remote_id=under).parent_remote_id == reply
    assert InboxItem.objects.get(remote_id=mention).post_remote_id == ""


def test_a_harmful_bluesky_reply_cannot_be_hidden_so_it_is_top_priority(
    bluesky_emulator, bluesky_account, bluesky_post, amelia, dsl
):
    bluesky_emulator.add_reply(bluesky_post, text="amelia jones lives near me")
    inbox_read(account=bluesky_account)

    item = InboxItem.objects.get()
    assert item.top_priority and item.flagged_for_dsl
    assert not item.hidden_on_network
    assert item.state == InboxItem.State.NEW
    assert "cannot hide" in item.log.get(kind=InboxAction.Kind.HIDE_FAILED).note
    with pytest.raises(InboxRefused, match="cannot hide"):
        item_hide(item=item, by=dsl)


def test_a_bluesky_reply_deleted_before_the_poll_and_a_failed_poll_lose_nothing(
    bluesky_emulator, bluesky_account, bluesky_post
):
    gone = bluesky_emulator.add_reply(bluesky_post, text="Wrong account, sorry")
    bluesky_emulator.add_reply(bluesky_post, text="Well done all")
    bluesky_emulator.delete_post_by_hand(gone)
    bluesky_emulator.fail_next(status=500)

    assert inbox_read(account=bluesky_account) == 0
    assert InboxReading.objects.get(account=bluesky_account).problem
    assert inbox_read(account=bluesky_account) == 1
    assert InboxItem.objects.get().text == "Well done all"


def test_a_bluesky_reply_from_the_inbox_is_posted_under_the_reply(
    bluesky_emulator, bluesky_account, bluesky_post, managers
):
    uri = bluesky_emulator.add_reply(bluesky_post, text="What time is pick-up?")
    inbox_read(account=bluesky_account)
    reply_write(item=InboxItem.objects.get(), text="At 3 o'clock.", by=managers[0])

    [posted] = bluesky_emulator.state()["replies_by_account"]
    assert posted["text"] == "At 3 o'clock."
    assert posted["reply"]["parent"]["uri"] == uri
    assert posted["reply"]["root"]["uri"] == bluesky_post
