"""The contract every social network adapter keeps.

Adapters are pure: they take plain data (text, image bytes, ids, credentials) and return
small result dataclasses or raise a `NetworkError` subclass. They never touch the ORM,
and read settings only in their constructor, so the delivery ledger decides what a
failure means (retry later, ask for a reconnect, or stop and tell a person).
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

Clock = Callable[[], float]


@dataclass(frozen=True)
class ImageFile:
    """An image to attach to a post, as plain bytes: adapters never open storage."""

    content: bytes
    filename: str
    mime_type: str
    alt_text: str = ""
    #: Where the network can fetch the picture itself, for networks that take a URL
    #: rather than the bytes (Instagram; `Network.needs_public_image_url`).
    public_url: str = ""


@dataclass(frozen=True)
class PublishResult:
    """A post that now exists on the network: record `remote_id` at once.

    `notes` say what the network made differently from what was written (a mention
    of an account it does not know left as plain text), for the delivery's record.
    """

    remote_id: str
    url: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetractResult:
    """A post that is no longer on the network.

    `already_gone` is True when the network no longer had the post (deleted by hand on
    the network, or an earlier attempt got through): the goal is met either way.
    """

    remote_id: str
    already_gone: bool = False


@dataclass(frozen=True)
class RemotePost:
    """A post read back from the account's recent posts, to reconcile an unknown send.

    `links` are the addresses the network says the post links to (X shortens links
    in `text` to t.co and gives the original in its entities); `text` is the text as
    the network returns it.
    """

    remote_id: str
    url: str
    text: str
    links: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PinResult:
    """The pinned state of a post after `pin()` or `unpin()`."""

    remote_id: str
    pinned: bool


class NetworkError(Exception):
    """Base of every failure an adapter reports; `reason` is plain English for staff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientNetworkError(NetworkError):
    """Try again later: rate limit, server error, timeout or connection failure.

    Attributes:
        retry_after: seconds the network asked us to wait (from its rate-limit
            headers), or None when it did not say and the caller picks a back-off.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class OutcomeUnknown(TransientNetworkError):
    """The request may have reached the network, but its answer was lost or unreadable.

    A read timeout, a connection dropped after the request was written, a server error
    or a "success" with no usable id: the post may exist. Before any resend the ledger
    looks for it on the network (`Network.recent_posts`). For reads and deletions it
    is simply transient: reading or deleting twice is harmless.
    """


class AuthExpired(NetworkError):
    """The stored token no longer works (expired, revoked, password changed).

    Retrying cannot help; a member of staff must connect the account again (A3).
    """


class PermanentRefusal(NetworkError):
    """The network refused this post for a reason that retrying will not change.

    Examples: duplicate content, text too long, media refused. `reason` carries the
    network's own words where it gave any.
    """


class DeletionNotOffered(PermanentRefusal):
    """The network's API cannot delete this post: a person must, in the network's app.

    The ledger then puts a tracked task in front of the account's managers, and never
    reports the post as deleted until one of them says it is.
    """


class RemotePostMissing(PermanentRefusal):
    """The post id is unknown to the network (already deleted, or never existed)."""


class DuplicatePost(PermanentRefusal):
    """The network already has a post with this text and refuses a second one.

    After a `TransientNetworkError` (a timeout can hide a post the network did make),
    this on the retry means the first attempt probably got through: a person should
    look at the account rather than the post being marked as failed or as sent.
    """


class Network(abc.ABC):
    """A social network account we can post to.

    Subclasses declare their capabilities as class attributes so the editor, the
    ledger and the admin can ask before they act (e.g. only offer pinning where
    `supports_pin`), and implement the operations over one `_request` path.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    max_length: ClassVar[int]
    max_images: ClassVar[int]
    supports_media: ClassVar[bool]
    supports_pin: ClassVar[bool]
    supports_delete: ClassVar[bool]
    image_mime_types: ClassVar[frozenset[str]] = frozenset(
        {"image/jpeg", "image/png", "image/gif", "image/webp"}
    )
    #: Every post must carry a picture (Instagram): text-only notices skip it.
    needs_image: ClassVar[bool] = False
    #: The network fetches pictures from a public address (`ImageFile.public_url`)
    #: instead of receiving their bytes.
    needs_public_image_url: ClassVar[bool] = False

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
        on_credentials_change: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        """Keep plain credentials and where to reach the network.

        Args:
            credentials: the account's stored secrets (keys per adapter).
            base_url: the API's base URL; None means the configured one (the real
                network by default, a loopback emulator in development and tests).
            timeout: seconds to wait for each HTTP request; None means
                `settings.SOCIAL_NETWORK_TIMEOUT_SECONDS`.
            clock: returns epoch seconds; rate-limit resets are measured against it.
            on_credentials_change: called with the whole new credentials mapping
                when the adapter renews them itself (a refreshed Bluesky session),
                so the ledger stores them encrypted instead of signing in again.
        """
        self.credentials = dict(credentials)
        self.on_credentials_change = on_credentials_change
        self.base_url = (base_url or self.default_base_url()).rstrip("/")
        self.timeout = (
            timeout if timeout is not None else settings.SOCIAL_NETWORK_TIMEOUT_SECONDS
        )
        self.clock = clock

    @classmethod
    @abc.abstractmethod
    def default_base_url(cls) -> str:
        """The configured API base URL for this network."""

    @classmethod
    def text_length(cls, text: str) -> int:
        """How long the network counts `text`; compared with `max_length`.

        A class method, like `check_post`, so the editor can count and check without
        credentials: `network_class("x").text_length(text)`.
        """
        return len(text)

    @abc.abstractmethod
    def publish(
        self, *, text: str, images: list[ImageFile], link: str | None = None
    ) -> PublishResult:
        """Create a post with `text`, the images, and a link back to the website (P2).

        Raises:
            PermanentRefusal: text too long, too many or unsupported images, or the
                network refused the post (`DuplicatePost` for the same text again).
            AuthExpired: the account must be connected again.
            TransientNetworkError: try again later. It does not prove that nothing
                was posted: a timeout can hide a post the network made.
        """

    @abc.abstractmethod
    def retract(self, *, remote_id: str) -> RetractResult:
        """Delete a post; a post the network no longer has counts as retracted."""

    @abc.abstractmethod
    def recent_posts(
        self, *, since: datetime, include_photos: bool = False
    ) -> list[RemotePost]:
        """Every post the account made since `since`, newest first, read in full.

        The ledger looks here for a post whose send had an unknown outcome. The list
        must be complete back to `since`: a post missing from it is taken as never
        made, and sent again.

        Args:
            since: the earliest creation time of interest (timezone-aware).
            include_photos: also read the account's photos where the network lists
                photo posts separately.

        Raises:
            NetworkError: the posts could not be read completely; nothing may be
                concluded and a person decides.
        """

    def pin(self, *, remote_id: str) -> PinResult:
        """Pin a post to the top of the profile (M1); only where `supports_pin`."""
        raise PermanentRefusal(f"{self.label} has no way to pin a post.")

    def unpin(self, *, remote_id: str) -> PinResult:
        """Unpin a post; only where `supports_pin`."""
        raise PermanentRefusal(f"{self.label} has no way to pin a post.")

    def pinned_state(self, *, remote_id: str) -> PinResult:
        """Whether the post is pinned now (a person may have unpinned it by hand)."""
        raise PermanentRefusal(f"{self.label} has no way to pin a post.")

    @classmethod
    def prepare_image(cls, image: ImageFile) -> tuple[ImageFile, str]:
        """The picture as this network needs it, and a note for the editor.

        The default sends the cleaned picture unchanged; a network with size or shape
        rules re-encodes or pads it here (never crops: a pupil must not be cut out
        of a photo without anyone seeing). The note says what was changed, or "".
        """
        return image, ""

    @classmethod
    def prepare_images(cls, images: list[ImageFile]) -> list[ImageFile]:
        """The pictures of one post as this network needs them (`prepare_image`)."""
        return [cls.prepare_image(image)[0] for image in images]

    @classmethod
    def photo_note(cls, *, width: int, height: int) -> str:
        """What `prepare_image` will do to a photo of this size, for the approver."""
        return ""

    @classmethod
    def check_post(cls, *, text: str, images: list[ImageFile]) -> None:
        """Refuse, before any request, a post the network is sure to refuse.

        The editor's length counter uses `text_length` too; this is the send-time check.
        """
        length = cls.text_length(text)
        if length > cls.max_length:
            raise PermanentRefusal(
                f"The text is {length} characters long as {cls.label} counts them; "
                f"{cls.label} allows {cls.max_length}. Shorten it and send again."
            )
        if images and not cls.supports_media:
            raise PermanentRefusal(f"{cls.label} posts cannot carry images.")
        if len(images) > cls.max_images:
            raise PermanentRefusal(
                f"{cls.label} takes at most {cls.max_images} image(s) per post; "
                f"this post has {len(images)}."
            )
        for image in images:
            if image.mime_type not in cls.image_mime_types:
                raise PermanentRefusal(
                    f"{cls.label} does not accept {image.filename!r} "
                    f"({image.mime_type}); use a JPEG, PNG, GIF or WebP image."
                )


def network_class(kind: str) -> type[Network]:
    """The adapter class configured for an account type (`settings` map, import_string).

    Raises:
        ImproperlyConfigured: `kind` is not in `SOCIAL_NETWORK_ADAPTERS`.
    """
    try:
        dotted_path = settings.SOCIAL_NETWORK_ADAPTERS[kind]
    except KeyError:
        known = ", ".join(sorted(settings.SOCIAL_NETWORK_ADAPTERS))
        raise ImproperlyConfigured(
            f"No adapter for social account type {kind!r} in "
            f"SOCIAL_NETWORK_ADAPTERS (known: {known})."
        ) from None
    return import_string(dotted_path)
