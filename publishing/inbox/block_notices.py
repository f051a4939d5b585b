"""Telling a blocked person exactly why (I3): the notice drafted at the block, edited
by a manager, and sent once.

Where the network lets the school message a commenter (a private reply to their
comment, on Facebook and Instagram) the manager's "Send" goes through here exactly
once: the notice row is locked, and one with a remote id is never sent again. Where
it does not (Bluesky, X), the notice waits to be sent by hand and the manager
records the words they sent. Either way the blocked accounts register keeps the
exact words sent. Functions take the account's reader, so this module stays below
`services` (which drafts the notice when it records a block).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.models import BlockedAccount
from publishing.networks.base import NetworkError

from .models import BlockNotice, InboxAction, InboxItem
from .readers.base import InboxReader

#: What Instagram's private replies allow (Messenger allows 2,000).
MAX_NOTICE = 1000


class NoticeRefused(Exception):
    """A notice change the rules do not allow; the message says why, for staff."""


def block_notice_draft(
    *,
    item: InboxItem,
    blocked: BlockedAccount,
    text: str,
    reader: InboxReader | None,
    by,
) -> BlockNotice:
    """The notice for a new block: sent at once when a manager blocked on a network
    that can message, otherwise kept for a manager (or for sending by hand). No
    reader (the account is not connected) means by hand."""
    can_message = reader is not None and reader.can_message
    notice = BlockNotice.objects.create(
        site=item.site,
        item=item,
        blocked=blocked,
        text=text,
        status=BlockNotice.Status.DRAFT if can_message else BlockNotice.Status.BY_HAND,
    )
    if can_message and _manages(item, by) and len(text) <= MAX_NOTICE:
        notice = block_notice_send(notice=notice, text=text, by=by, reader=reader)
    return notice


def block_notice_send(
    *, notice: BlockNotice, text: str, by, reader: InboxReader
) -> BlockNotice:
    """Send the (edited) notice as a private reply to the comment, exactly once.

    A network failure keeps the notice, says why, and leaves "send it by hand"
    open; a second press after it was sent changes nothing.

    Raises:
        NoticeRefused: not a manager of the account, no words, too long, or the
            network cannot message.
    """
    text = _checked(notice, text, by)
    if not reader.can_message:
        raise NoticeRefused(
            _("This network cannot send it from here: send it by hand.")
        )
    with transaction.atomic():
        notice = BlockNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.is_sent:
            return notice
        notice.text = text
        try:
            notice.remote_id = reader.message(
                remote_id=notice.item.remote_id,
                author_id=notice.item.author_id,
                text=text,
            )
        except NetworkError as error:
            notice.status = BlockNotice.Status.FAILED
            notice.problem = error.reason
            notice.save(update_fields=["text", "status", "problem"])
            return notice
        return _sent(notice, BlockNotice.Status.SENT, by)


def block_notice_sent_by_hand(*, notice: BlockNotice, text: str, by) -> BlockNotice:
    """A manager sent the notice in the network's app: record the words they sent.

    Raises:
        NoticeRefused: as for `block_notice_send`, or it was already sent.
    """
    text = _checked(notice, text, by)
    with transaction.atomic():
        notice = BlockNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.is_sent:
            raise NoticeRefused(_("The message was already sent."))
        notice.text = text
        return _sent(notice, BlockNotice.Status.SENT_BY_HAND, by)


def _manages(item: InboxItem, user) -> bool:
    return item.account.managers.filter(pk=user.pk).exists()


def _checked(notice: BlockNotice, text: str, by) -> str:
    if not _manages(notice.item, by):
        raise NoticeRefused(_("Only the account's managers send this message."))
    text = text.strip()
    if not text:
        raise NoticeRefused(_("Write the message that tells them why."))
    if len(text) > MAX_NOTICE:
        raise NoticeRefused(
            _("Keep the message to %(max)s characters.") % {"max": MAX_NOTICE}
        )
    return text


def _sent(notice: BlockNotice, status: str, by) -> BlockNotice:
    notice.status = status
    notice.problem = ""
    notice.sent_by = by
    notice.sent_at = timezone.now()
    notice.save()
    BlockedAccount.objects.filter(pk=notice.blocked_id).update(message_sent=notice.text)
    InboxAction.objects.create(
        item=notice.item,
        kind=InboxAction.Kind.TOLD_WHY,
        by=by,
        note=notice.get_status_display(),
    )
    return notice
