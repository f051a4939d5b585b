"""X replies and mentions, read with tweepy through the posting adapter's client.

X charges for every post read (see `publishing.inbox.costs`): the inbox reads X
only when the school has turned it on and accepted the estimated cost. X's API
cannot hide a reply to the school's post for a Page-like account without extra
access, so harmful X replies are flagged top priority instead of hidden.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from publishing.networks.x import XNetwork

from .base import InboxReader, ReadComment

#: Pages of 100 mentions read per poll at most.
MAX_PAGES = 10


class XMentionsReader(InboxReader):
    name: ClassVar[str] = "X"
    can_reply: ClassVar[bool] = True

    def __init__(self, *, credentials, base_url: str | None = None):
        super().__init__(credentials=credentials, base_url=base_url)
        self._network = XNetwork(credentials=credentials, base_url=self.base_url)

    @classmethod
    def default_base_url(cls) -> str:
        return XNetwork.default_base_url()

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        found = self._network.mentions_since(since=since, max_pages=MAX_PAGES)
        return [
            ReadComment(
                remote_id=mention.remote_id,
                post_remote_id=mention.in_reply_to,
                author_id=mention.author_id,
                author_name=mention.author_name,
                text=mention.text,
                created_at=mention.created_at,
                url=self._network.post_url(mention.remote_id),
            )
            for mention in found
        ]

    def reply(self, *, remote_id: str, text: str) -> str:
        return self._network.reply(in_reply_to=remote_id, text=text)
