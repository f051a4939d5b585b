"""Instagram comments: read, hide, reply, and reply privately through the Graph API.

Comments are read from the professional account's recent media
(`/{ig-media-id}/comments`, each with its `replies`); the API has no "since" for
comments, so every comment of a recent post is listed and the older ones left out
here. Hiding is `POST /{ig-comment-id}?hide=true`; Instagram's API cannot block.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import requests
from django.conf import settings

from publishing.networks.base import AuthExpired, PermanentRefusal
from publishing.networks.facebook import graph_request

from .base import InboxReader, ReadComment
from .facebook import graph_list, private_reply

#: How far back the poll looks for the account's posts whose comments it reads.
POST_WINDOW_DAYS = 28
_FIELDS = "id,text,timestamp,username,from,parent_id"
_COMMENT_FIELDS = f"{_FIELDS},replies{{{_FIELDS}}}"


class InstagramCommentsReader(InboxReader):
    name: ClassVar[str] = "Instagram"
    can_hide: ClassVar[bool] = True
    can_reply: ClassVar[bool] = True
    can_message: ClassVar[bool] = True

    def __init__(self, *, credentials, base_url: str | None = None):
        super().__init__(credentials=credentials, base_url=base_url)
        self.ig_user_id = self.credentials.get("ig_user_id", "")
        self._token = self.credentials.get("page_access_token", "")
        if not self.ig_user_id or not self._token:
            raise AuthExpired(
                "No Instagram account token is stored for this account; connect it "
                "again."
            )
        self._version = settings.SOCIAL_FACEBOOK_GRAPH_VERSION
        self._session = requests.Session()

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        window = since - dt.timedelta(days=POST_WINDOW_DAYS)
        media = self._all(
            f"{self.ig_user_id}/media",
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

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=False)

    def reply(self, *, remote_id: str, text: str) -> str:
        answer = self._call("POST", f"{remote_id}/replies", data={"message": text})
        if not answer.get("id"):
            raise PermanentRefusal("Instagram did not say the reply was made.")
        return str(answer["id"])

    def message(self, *, remote_id: str, author_id: str, text: str) -> str:
        return private_reply(
            self._call, sender=self.ig_user_id, comment_id=remote_id, text=text
        )

    def _set_hidden(self, remote_id: str, *, hidden: bool) -> None:
        answer = self._call(
            "POST", remote_id, data={"hide": "true" if hidden else "false"}
        )
        if not answer.get("success"):
            raise PermanentRefusal("Instagram did not change whether it is hidden.")

    def _comment(
        self, item: dict[str, Any], *, media_id: str, permalink: str, parent: str
    ) -> ReadComment:
        author = item.get("from") or {}
        author_id = str(author.get("id", ""))
        try:
            created = dt.datetime.strptime(
                str(item["timestamp"]), "%Y-%m-%dT%H:%M:%S%z"
            )
        except (KeyError, ValueError):
            created = dt.datetime.now(dt.UTC)  # never drop a comment for its time
        return ReadComment(
            remote_id=str(item["id"]),
            post_remote_id=media_id,
            author_id=author_id,
            author_name=str(author.get("username") or item.get("username") or ""),
            text=str(item.get("text") or ""),
            created_at=created,
            url=f"{permalink}c/{item['id']}/" if permalink else "",
            parent_remote_id=str(item.get("parent_id") or parent),
            by_the_school=author_id == self.ig_user_id,
        )

    def _all(self, path: str, **params: str) -> list[dict[str, Any]]:
        return graph_list(self._call, path, network=self.name, **params)

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return graph_request(
            session=self._session,
            base_url=self.base_url,
            method=method,
            path=f"{self._version}/{path}",
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self._token}"},
            network="Instagram",
            **kwargs,
        )
