"""Facebook Page comments: read, hide, reply, block through the Graph API.

The Graph request path, paging, hiding and replying are `GraphCommentsReader`'s.
Comments on posts older than `POST_WINDOW_DAYS` are not polled for; the webhook
still brings them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings

from publishing.networks.base import PermanentRefusal
from publishing.networks.facebook import facebook_web_base_url

from .base import ReadComment
from .graph import POST_WINDOW_DAYS, GraphCommentsReader, graph_time

_COMMENT_FIELDS = "id,message,from,created_time,parent,permalink_url"


class FacebookCommentsReader(GraphCommentsReader):
    name: ClassVar[str] = "Facebook"
    can_block: ClassVar[bool] = True
    account_id_credential: ClassVar[str] = "page_id"
    not_connected_message: ClassVar[str] = (
        "No Facebook Page token is stored for this account; connect it again."
    )
    hidden_field: ClassVar[str] = "is_hidden"
    reply_edge: ClassVar[str] = "comments"

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        window = since - dt.timedelta(days=POST_WINDOW_DAYS)
        posts = self._all(
            f"{self.account_id}/posts",
            since=str(int(window.timestamp())),
            fields="id",
        )
        comments: list[ReadComment] = []
        for post in posts:
            for item in self._all(
                f"{post['id']}/comments",
                filter="stream",
                since=str(int(since.timestamp())),
                fields=_COMMENT_FIELDS,
            ):
                comments.append(self._comment(item, post_id=str(post["id"])))
        return comments

    def comment_from_webhook(self, value: dict[str, Any]) -> ReadComment:
        """A `feed` change's value (item "comment", verb "add") as a comment.

        Raises:
            PermanentRefusal: the change is not a readable comment.
        """
        try:
            author = value["from"]
            return ReadComment(
                remote_id=str(value["comment_id"]),
                post_remote_id=str(value["post_id"]),
                author_id=str(author.get("id", "")),
                author_name=str(author.get("name") or ""),
                text=str(value.get("message") or ""),
                created_at=dt.datetime.fromtimestamp(
                    int(value["created_time"]), dt.UTC
                ),
                url=self._comment_url(str(value["post_id"]), str(value["comment_id"])),
                parent_remote_id=(
                    str(value["parent_id"])
                    if value.get("parent_id") not in (None, value["post_id"])
                    else ""
                ),
                by_the_school=str(author.get("id", "")) == self.account_id,
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise PermanentRefusal(
                "Facebook sent a comment we could not read."
            ) from None

    def block(self, *, author_id: str) -> None:
        answer = self._call(
            "POST", f"{self.account_id}/blocked", data={"user": author_id}
        )
        if not answer.get(author_id):
            raise PermanentRefusal("Facebook did not block the person.")

    def _comment(self, item: dict[str, Any], *, post_id: str) -> ReadComment:
        author = item.get("from") or {}
        parent = (item.get("parent") or {}).get("id", "")
        return ReadComment(
            remote_id=str(item["id"]),
            post_remote_id=post_id,
            author_id=str(author.get("id", "")),
            author_name=str(author.get("name") or ""),
            text=str(item.get("message") or ""),
            created_at=graph_time(item.get("created_time")),
            url=str(
                item.get("permalink_url") or self._comment_url(post_id, item["id"])
            ),
            parent_remote_id=str(parent),
            by_the_school=str(author.get("id", "")) == self.account_id,
        )

    def _comment_url(self, post_id: str, comment_id: str) -> str:
        return (
            f"{facebook_web_base_url(self.base_url)}/{post_id}?comment_id={comment_id}"
        )
