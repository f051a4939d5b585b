"""Bluesky replies and mentions, read from the account's notifications.

`app.bsky.notification.listNotifications` (reasons "reply" and "mention") through
the posting adapter's signed-in client. Bluesky has no way to hide a reply to
someone else's post, so a harmful one cannot be hidden: the inbox flags it top
priority instead (`InboxReader.hide` refuses). Replies are posts with reply
references; blocking writes an `app.bsky.graph.block` record. Direct messages go
through a separate chat service, so the message telling a blocked person why is
sent by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from publishing.networks.bluesky import BlueskyNetwork, bluesky_web_base_url

from .base import InboxReader, ReadComment

#: Pages of 100 notifications read per poll at most.
MAX_PAGES = 10
REASONS = ("reply", "mention")


class BlueskyRepliesReader(InboxReader):
    name: ClassVar[str] = "Bluesky"
    can_reply: ClassVar[bool] = True
    can_block: ClassVar[bool] = True

    def __init__(self, *, credentials, base_url: str | None = None):
        super().__init__(credentials=credentials, base_url=base_url)
        self._network = BlueskyNetwork(credentials=credentials, base_url=self.base_url)

    @classmethod
    def default_base_url(cls) -> str:
        return BlueskyNetwork.default_base_url()

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        found = self._network.notifications_since(
            since=since, reasons=REASONS, max_pages=MAX_PAGES
        )
        return [self._comment(notification) for notification in found]

    def reply(self, *, remote_id: str, text: str) -> str:
        return self._network.reply(in_reply_to=remote_id, text=text)

    def block(self, *, author_id: str) -> None:
        self._network.block(did=author_id)

    def _comment(self, notification: dict[str, Any]) -> ReadComment:
        author = notification.get("author") or {}
        record = notification.get("record") or {}
        reply = record.get("reply") or {}
        root = str((reply.get("root") or {}).get("uri") or "")
        parent = str((reply.get("parent") or {}).get("uri") or "")
        uri = str(notification["uri"])
        handle = str(author.get("handle") or "")
        return ReadComment(
            remote_id=uri,
            post_remote_id=root,
            author_id=str(author.get("did") or ""),
            author_name=str(author.get("displayName") or handle),
            text=str(record.get("text") or ""),
            created_at=_time(record.get("createdAt") or notification.get("indexedAt")),
            url=(
                f"{bluesky_web_base_url(self.base_url)}/profile/{handle}/post/"
                f"{uri.rsplit('/', 1)[-1]}"
            ),
            parent_remote_id=parent if parent != root else "",
            by_the_school=handle == self._network.handle,
        )


def _time(value: Any) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.now(dt.UTC)  # never drop a reply for its time
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
