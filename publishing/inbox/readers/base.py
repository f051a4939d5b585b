"""The contract every inbox reader keeps.

A reader reads the comments and replies under the school's own posts on one account,
and where the network allows it hides, unhides, replies and blocks. Failures are the
publishing adapters' `NetworkError`s, so a 429 or a 500 means "try again later" here
as it does for a post. Every network's reader follows it: X, Facebook, Instagram,
Bluesky (`SOCIAL_INBOX_READERS`).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from publishing.networks.base import PermanentRefusal


@dataclass(frozen=True)
class ReadComment:
    """One comment or reply as the network gives it."""

    remote_id: str
    post_remote_id: str
    author_id: str
    author_name: str
    text: str
    created_at: datetime
    url: str
    parent_remote_id: str = ""
    by_the_school: bool = False  # the account's own replies are not inbox items


class CannotModerate(PermanentRefusal):
    """The network has no way to do this (hide, block) through its API."""


class InboxReader(abc.ABC):
    """Reads one account's comments; capabilities say what else it can do."""

    name: ClassVar[str]
    can_hide: ClassVar[bool] = False
    can_block: ClassVar[bool] = False
    can_reply: ClassVar[bool] = False
    #: Can send the comment's author a private message (the block notice, I3).
    can_message: ClassVar[bool] = False

    def __init__(self, *, credentials: Mapping[str, str], base_url: str | None = None):
        self.credentials = dict(credentials)
        self.base_url = (base_url or self.default_base_url()).rstrip("/")
        self.timeout = settings.SOCIAL_NETWORK_TIMEOUT_SECONDS

    @classmethod
    @abc.abstractmethod
    def default_base_url(cls) -> str: ...

    @abc.abstractmethod
    def comments_since(self, *, since: datetime) -> list[ReadComment]:
        """Every comment made since `since` under the account's recent posts."""

    def hide(self, *, remote_id: str) -> None:
        raise CannotModerate(f"{self.name} cannot hide comments through its API.")

    def unhide(self, *, remote_id: str) -> None:
        raise CannotModerate(f"{self.name} cannot show hidden comments again.")

    def reply(self, *, remote_id: str, text: str) -> str:
        """Reply under the comment; returns the reply's id on the network."""
        raise CannotModerate(f"{self.name} replies are not sent from the inbox.")

    def message(self, *, remote_id: str, author_id: str, text: str) -> str:
        """Privately message the author of comment `remote_id`; returns its id."""
        raise CannotModerate(f"{self.name} messages are sent by hand.")

    def block(self, *, author_id: str) -> None:
        raise CannotModerate(f"{self.name} cannot block people through its API.")


def reader_class(network: str) -> type[InboxReader]:
    """The reader configured for a network (`SOCIAL_INBOX_READERS`)."""
    try:
        dotted_path = settings.SOCIAL_INBOX_READERS[network]
    except KeyError:
        raise ImproperlyConfigured(
            f"No inbox reader is configured for {network!r} (SOCIAL_INBOX_READERS)."
        ) from None
    return import_string(dotted_path)
