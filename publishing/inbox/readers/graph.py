"""What the Facebook and Instagram readers share: Meta's Graph API.

One constructor (the account's id and Page token from the credentials), one request
path (`graph_request`: timeouts, usage headers, errors mapped to `NetworkError`s),
paging through an edge, hiding, replying and the one private reply Meta allows per
comment. Each network's reader says only where its comments are and how they read.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

import requests
from django.conf import settings

from publishing.networks.base import AuthExpired, PermanentRefusal
from publishing.networks.facebook import graph_request

from .base import InboxReader

#: How far back the poll looks for the account's posts whose comments it reads.
POST_WINDOW_DAYS = 28
#: Pages of 100 read per edge before the poll stops (a flood is read next time).
MAX_PAGES = 20


class GraphCommentsReader(InboxReader):
    """A reader of comments through the Graph API, for one account."""

    can_hide: ClassVar[bool] = True
    can_reply: ClassVar[bool] = True
    can_message: ClassVar[bool] = True
    #: The credential naming the account whose comments are read.
    account_id_credential: ClassVar[str]
    #: The sentence shown when the account's id or token is missing.
    not_connected_message: ClassVar[str]
    #: The field a hide request sets (`true` or `false`).
    hidden_field: ClassVar[str]
    #: The edge under a comment where a reply to it is made.
    reply_edge: ClassVar[str]

    def __init__(self, *, credentials, base_url: str | None = None):
        super().__init__(credentials=credentials, base_url=base_url)
        self.account_id = self.credentials.get(self.account_id_credential, "")
        self._token = self.credentials.get("page_access_token", "")
        if not self.account_id or not self._token:
            raise AuthExpired(self.not_connected_message)
        self._version = settings.SOCIAL_FACEBOOK_GRAPH_VERSION
        self._session = requests.Session()

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, hidden=False)

    def reply(self, *, remote_id: str, text: str) -> str:
        answer = self._call(
            "POST", f"{remote_id}/{self.reply_edge}", data={"message": text}
        )
        if not answer.get("id"):
            raise PermanentRefusal(f"{self.name} did not say the reply was made.")
        return str(answer["id"])

    def message(self, *, remote_id: str, author_id: str, text: str) -> str:
        """One private reply to a comment's author (Messenger or Instagram Direct).

        Meta allows one per comment, so a second attempt is refused by the network
        rather than delivered twice. Returns the message's id.
        """
        answer = self._call(
            "POST",
            f"{self.account_id}/messages",
            data={
                "recipient": json.dumps({"comment_id": remote_id}),
                "message": json.dumps({"text": text}),
            },
        )
        if not answer.get("message_id"):
            raise PermanentRefusal("The network did not say the message was sent.")
        return str(answer["message_id"])

    def _set_hidden(self, remote_id: str, *, hidden: bool) -> None:
        answer = self._call(
            "POST", remote_id, data={self.hidden_field: "true" if hidden else "false"}
        )
        if not answer.get("success"):
            raise PermanentRefusal(f"{self.name} did not change whether it is hidden.")

    def _all(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Every item of a Graph edge, page by page (at most `MAX_PAGES` of 100)."""
        items: list[dict[str, Any]] = []
        after: dict[str, str] = {}
        for _ in range(MAX_PAGES):
            answer = self._call("GET", path, params={"limit": "100", **params, **after})
            data = answer.get("data")
            if not isinstance(data, list) or not all(
                isinstance(item, dict) and item.get("id") for item in data
            ):
                raise PermanentRefusal(f"{self.name}'s list of comments was garbled.")
            items += data
            paging = answer.get("paging") or {}
            cursor = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not cursor:
                break
            after = {"after": str(cursor)}
        return items

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return graph_request(
            session=self._session,
            base_url=self.base_url,
            method=method,
            path=f"{self._version}/{path}",
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self._token}"},
            network=self.name,
            **kwargs,
        )


def graph_time(value: Any) -> dt.datetime:
    """A Graph timestamp (`2026-03-02T08:15:00+0000`); now if it cannot be read."""
    try:
        return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return dt.datetime.now(dt.UTC)  # never drop a comment for its time
