"""Facebook Page comments: read, hide, reply, block through the Graph API.

The same Graph request path as the posting adapter (`graph_request`): timeouts,
usage headers, and errors mapped to `NetworkError`s. Comments on posts older than
`POST_WINDOW_DAYS` are not polled for; the webhook still brings them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, ClassVar

import requests
from django.conf import settings

from publishing.networks.base import AuthExpired, PermanentRefusal
from publishing.networks.facebook import facebook_web_base_url, graph_request

from .base import InboxReader, ReadComment

#: How far back the poll looks for the Page's posts whose comments it reads.
POST_WINDOW_DAYS = 28
#: Pages of 100 read per edge before the poll stops (a flood is read next time).
MAX_PAGES = 20
_COMMENT_FIELDS = "id,message,from,created_time,parent,permalink_url"


class FacebookCommentsReader(InboxReader):
    name: ClassVar[str] = "Facebook"
    can_hide: ClassVar[bool] = True
    can_block: ClassVar[bool] = True
    can_reply: ClassVar[bool] = True
    can_message: ClassVar[bool] = True

    def __init__(self, *, credentials, base_url: str | None = None):
        super().__init__(credentials=credentials, base_url=base_url)
        self.page_id = self.credentials.get("page_id", "")
        self._token = self.credentials.get("page_access_token", "")
        if not self.page_id or not self._token:
            raise AuthExpired(
                "No Facebook Page token is stored for this account; connect it again."
            )
        self._version = settings.SOCIAL_FACEBOOK_GRAPH_VERSION
        self._session = requests.Session()

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL

    def comments_since(self, *, since: dt.datetime) -> list[ReadComment]:
        window = since - dt.timedelta(days=POST_WINDOW_DAYS)
        posts = self._all(
            f"{self.page_id}/posts",
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
                by_the_school=str(author.get("id", "")) == self.page_id,
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise PermanentRefusal(
                "Facebook sent a comment we could not read."
            ) from None

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=False)

    def reply(self, *, remote_id: str, text: str) -> str:
        answer = self._call("POST", f"{remote_id}/comments", data={"message": text})
        if not answer.get("id"):
            raise PermanentRefusal("Facebook did not say the reply was made.")
        return str(answer["id"])

    def block(self, *, author_id: str) -> None:
        answer = self._call("POST", f"{self.page_id}/blocked", data={"user": author_id})
        if not answer.get(author_id):
            raise PermanentRefusal("Facebook did not block the person.")

    def message(self, *, remote_id: str, author_id: str, text: str) -> str:
        return private_reply(
            self._call, sender=self.page_id, comment_id=remote_id, text=text
        )

    def _set_hidden(self, remote_id: str, *, hidden: bool) -> None:
        answer = self._call(
            "POST", remote_id, data={"is_hidden": "true" if hidden else "false"}
        )
        if not answer.get("success"):
            raise PermanentRefusal("Facebook did not change whether it is hidden.")

    def _comment(self, item: dict[str, Any], *, post_id: str) -> ReadComment:
        author = item.get("from") or {}
        try:
            created = dt.datetime.strptime(
                str(item["created_time"]), "%Y-%m-%dT%H:%M:%S%z"
            )
        except (KeyError, ValueError):
            created = dt.datetime.now(dt.UTC)  # never drop a comment for its time
        parent = (item.get("parent") or {}).get("id", "")
        return ReadComment(
            remote_id=str(item["id"]),
            post_remote_id=post_id,
            author_id=str(author.get("id", "")),
            author_name=str(author.get("name") or ""),
            text=str(item.get("message") or ""),
            created_at=created,
            url=str(
                item.get("permalink_url") or self._comment_url(post_id, item["id"])
            ),
            parent_remote_id=str(parent),
            by_the_school=str(author.get("id", "")) == self.page_id,
        )

    def _comment_url(self, post_id: str, comment_id: str) -> str:
        return (
            f"{facebook_web_base_url(self.base_url)}/{post_id}?comment_id={comment_id}"
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
            **kwargs,
        )


def graph_list(
    call: Callable[..., dict[str, Any]], path: str, *, network: str, **params: str
) -> list[dict[str, Any]]:
    """Every item of a Graph edge, page by page (at most `MAX_PAGES` of 100)."""
    items: list[dict[str, Any]] = []
    after: dict[str, str] = {}
    for _ in range(MAX_PAGES):
        answer = call("GET", path, params={"limit": "100", **params, **after})
        data = answer.get("data")
        if not isinstance(data, list) or not all(
            isinstance(item, dict) and item.get("id") for item in data
        ):
            raise PermanentRefusal(f"{network}'s list of comments was garbled.")
        items += data
        paging = answer.get("paging") or {}
        cursor = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not cursor:
            break
        after = {"after": str(cursor)}
    return items


def private_reply(
    call: Callable[..., dict[str, Any]], *, sender: str, comment_id: str, text: str
) -> str:
    """One private reply to a comment's author (Messenger or Instagram Direct).

    Meta allows one per comment, so a second attempt is refused by the network
    rather than delivered twice. Returns the message's id.
    """
    answer = call(
        "POST",
        f"{sender}/messages",
        data={
            "recipient": json.dumps({"comment_id": comment_id}),
            "message": json.dumps({"text": text}),
        },
    )
    if not answer.get("message_id"):
        raise PermanentRefusal("The network did not say the message was sent.")
    return str(answer["message_id"])
