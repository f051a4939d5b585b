"""Instagram comments: read, hide, reply, and reply privately through the Graph API.

Comments are read from the professional account's recent media
(`/{ig-media-id}/comments`, each with its `replies`); the API has no "since" for
comments, so every comment of a recent post is listed and the older ones left out
here. Hiding is `POST /{ig-comment-id}?hide=true`; Instagram's API cannot block.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings

from .base import ReadComment
from .graph import POST_WINDOW_DAYS, GraphCommentsReader, graph_time

_FIELDS = "id,text,timestamp,username,from,parent_id"
_COMMENT_FIELDS = f"{_FIELDS},replies{{{_FIELDS}}}"


class InstagramCommentsReader(GraphCommentsReader):
    name: ClassVar[str] = "Instagram"
    account_id_credential: ClassVar[str] = "ig_user_id"
    not_connected_message: ClassVar[str] = (
        "No Instagram account token is stored for this account; connect it again."
    )
    hidden_field: ClassVar[str] = "hide"
    reply_edge: ClassVar[str] = "replies"

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        window = since - dt.timedelta(days=POST_WINDOW_DAYS)
        media = self._all(
            f"{self.account_id}/media",
            since=str(int(window.timestamp())),
            fields="id,timestamp,permalink",
        )
        comments: list[ReadComment] = []
        for post in media:
            permalink = str(post.get("permalink") or "")
            for item in self._all(f"{post['id']}/comments", fields=_COMMENT_FIELDS):
                replies = (item.get("replies") or {}).get("data") or []
                for each in (item, *replies):
                    comment = self._comment(
                        each,
                        media_id=str(post["id"]),
                        permalink=permalink,
                        parent=str(item["id"]) if each is not item else "",
                    )
                    if comment.created_at >= since:
                        comments.append(comment)
        return comments

    def _comment(
        self, item: dict[str, Any], *, media_id: str, permalink: str, parent: str
    ) -> ReadComment:
        author = item.get("from") or {}
        author_id = str(author.get("id", ""))
        return ReadComment(
            remote_id=str(item["id"]),
            post_remote_id=media_id,
            author_id=author_id,
            author_name=str(author.get("username") or item.get("username") or ""),
            text=str(item.get("text") or ""),
            created_at=graph_time(item.get("timestamp")),
            url=f"{permalink}c/{item['id']}/" if permalink else "",
            parent_remote_id=str(item.get("parent_id") or parent),
            by_the_school=author_id == self.account_id,
        )
