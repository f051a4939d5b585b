"""Bluesky: posts through the `atproto` SDK's `Client` with an app password.

Credentials (plain strings): `handle`, `app_password`, and `session`, the SDK's
exported session string. Signing in (`createSession`) is rate-limited per account
(30 in 5 minutes, 300 a day), so the adapter signs in only when it holds no session:
it imports the stored one, the SDK refreshes it before the access token expires, a
token the server already calls expired is refreshed once, and every new session is
handed to `on_credentials_change` for the ledger to store encrypted (A3).

Exactly once: a post's record key is a TID derived from its link, which carries the
delivery's id (`publishing.text.link_for_delivery`), so a resend after a lost answer
can only ever write the same record; the PDS refuses a second one and the adapter
adopts the first.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
import regex
from django.conf import settings
from PIL import Image

from .base import (
    AuthExpired,
    Clock,
    ImageFile,
    Network,
    NetworkError,
    OutcomeUnknown,
    PermanentRefusal,
    PinResult,
    PublishResult,
    RemotePost,
    RemotePostMissing,
    RetractResult,
    TransientNetworkError,
)
from .x import text_with_link

if TYPE_CHECKING:
    from atproto_client import Client, Session, SessionEvent

logger = logging.getLogger(__name__)


class _ImportedOnFirstUse:
    """A module of the atproto SDK, imported when first used.

    Importing the SDK takes about a second of CPU, which every process (each web and
    worker process, each manage.py command) would otherwise spend at start-up, as the
    URLs and the post checks import this module, whether or not it talks to Bluesky.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


sdk = _ImportedOnFirstUse("atproto_client")
at = _ImportedOnFirstUse("atproto_client.exceptions")
sdk_request = _ImportedOnFirstUse("atproto_client.request")

POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
BLOCK = "app.bsky.graph.block"
#: Hosts whose posts people read on bsky.app; any other (an emulator) serves its own.
PUBLIC_WEB_URLS = {"https://bsky.social": "https://bsky.app"}
#: What the `app.bsky.embed.images` lexicon allows per image.
MAX_IMAGE_BYTES = 2_000_000
MAX_IMAGE_SIDE = 2000
#: How many pages of 100 records reconciliation reads before it gives up.
MAX_LIST_PAGES = 10
_LINK = regex.compile(r"https?://[^\s<>\"]+")
_TAG = regex.compile(r"(?<![\w#])#(\p{L}[\p{L}\p{N}_]{0,63})")
#: "@handle" after a space, an opening bracket or the start; a handle is a domain
#: name (Bluesky's own rule), so "office@school.org" and "@ourschool" are not.
_MENTION = regex.compile(
    r"(?<![^\s(])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
_TRAILING = ".,;:!?)]}'\""
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
#: Derived record keys fall in the twelve days after this instant (microseconds).
_TID_EPOCH_MICROSECONDS = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z


def record_key_for_link(link: str) -> str:
    """A valid TID record key that only this link (so only this delivery) gives.

    Bluesky's post records are keyed by TIDs (13 base32-sortable characters: 53 bits
    of microseconds, 10 bits of clock id). Here both come from a hash of the link, so
    sending the same delivery again names the same record.
    """
    digest = int.from_bytes(hashlib.sha256(link.encode()).digest()[:8], "big")
    microseconds = _TID_EPOCH_MICROSECONDS + (digest >> 24)
    value = (microseconds << 10) | (digest & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (60 - 5 * i)) & 31] for i in range(13))


def mentioned_handles(text: str) -> list[str]:
    """The handles "@name.example" in `text` outside links, each once, in order."""
    return list(dict.fromkeys(handle for _match, handle in _mentions(text)))


def facets_for(
    text: str, *, dids: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Link, mention and hashtag facets, with UTF-8 byte offsets as the lexicon
    requires.

    Python indexes characters; Bluesky indexes bytes of UTF-8 ("ŵ" is two bytes), so
    every offset is the length of the encoded text before it. A mention becomes a
    facet only when its handle is in `dids` (resolved to the account's DID); any
    other "@handle" stays plain text.
    """
    dids = dids or {}
    facets = [
        _facet(text, start, end, {"uri": uri}, "link")
        for start, end, uri in _links(text)
    ]
    facets += [
        _facet(text, match.start(), match.end(), {"did": dids[handle]}, "mention")
        for match, handle in _mentions(text)
        if handle in dids
    ]
    for match in _TAG.finditer(text):
        facets.append(
            _facet(text, match.start(), match.end(), {"tag": match.group(1)}, "tag")
        )
    return facets


def _links(text: str) -> list[tuple[int, int, str]]:
    """Each link's character span and address (trailing punctuation left out)."""
    found = []
    for match in _LINK.finditer(text):
        uri = match.group().rstrip(_TRAILING)
        found.append((match.start(), match.start() + len(uri), uri))
    return found


def _mentions(text: str):
    """Each "@handle" outside a link, with its handle in lower case."""
    links = _links(text)
    for match in _MENTION.finditer(text):
        if not any(start <= match.start() < end for start, end, _uri in links):
            yield match, match.group(1).lower()


def _facet(text: str, start: int, end: int, feature: dict, kind: str) -> dict:
    byte_start = len(text[:start].encode())
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {
            "byteStart": byte_start,
            "byteEnd": byte_start + len(text[start:end].encode()),
        },
        "features": [{"$type": f"app.bsky.richtext.facet#{kind}", **feature}],
    }


def bluesky_web_base_url(pds_url: str) -> str:
    """bsky.app for bsky.social; the emulator serves its own post pages."""
    pds_url = pds_url.rstrip("/")
    return PUBLIC_WEB_URLS.get(pds_url, pds_url)


@dataclass(frozen=True)
class SearchedPost:
    """A public post found by a search: plain data for whoever searched."""

    uri: str
    url: str
    text: str
    author: str  # the display name, or else the handle
    handle: str
    created_at: datetime


class BlueskyNetwork(Network):
    """Posts to one Bluesky account. Every XRPC call goes through `_request`."""

    name: ClassVar[str] = "bluesky"
    label: ClassVar[str] = "Bluesky"
    max_length: ClassVar[int] = 300
    max_images: ClassVar[int] = 4
    supports_media: ClassVar[bool] = True
    supports_pin: ClassVar[bool] = True
    supports_delete: ClassVar[bool] = True
    image_mime_types: ClassVar[frozenset[str]] = frozenset({"image/jpeg"})

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
        on_credentials_change: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        super().__init__(
            credentials=credentials,
            base_url=base_url,
            timeout=timeout,
            clock=clock,
            on_credentials_change=on_credentials_change,
        )
        self.handle = self.credentials.get("handle", "").lstrip("@")
        if not self.handle or not self.credentials.get("app_password"):
            raise AuthExpired(
                "No Bluesky app password is stored for this account; connect it again."
            )
        self._client = sdk.Client(
            self.base_url, request=sdk_request.Request(timeout=self.timeout)
        )
        self._client.on_session_change(self._session_changed)
        self._did = ""

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_BLUESKY_PDS_URL

    @classmethod
    def text_length(cls, text: str) -> int:
        """Graphemes, as Bluesky counts them: "ŵ" or a flag emoji is one."""
        return len(regex.findall(r"\X", text))

    @classmethod
    def prepare_image(cls, image: ImageFile) -> tuple[ImageFile, str]:
        """A JPEG of at most 2 MB with no metadata: re-encoded, smaller if need be."""
        with Image.open(io.BytesIO(image.content)) as opened:
            picture = opened.convert("RGB")
        picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        for quality in (90, 80, 70, 60):
            content = _jpeg(picture, quality)
            if len(content) <= MAX_IMAGE_BYTES:
                break
            picture.thumbnail((picture.width * 3 // 4, picture.height * 3 // 4))
        name = image.filename.rsplit(".", 1)[0] + ".jpg"
        prepared = ImageFile(
            content=content,
            filename=name,
            mime_type="image/jpeg",
            alt_text=image.alt_text,
            public_url=image.public_url,
        )
        return prepared, ""

    @classmethod
    def check_post(cls, *, text: str, images: list[ImageFile]) -> None:
        super().check_post(text=text, images=images)
        for image in images:
            if len(image.content) > MAX_IMAGE_BYTES:
                raise PermanentRefusal(
                    f"Bluesky takes pictures of at most 2 MB; {image.filename!r} is "
                    f"{len(image.content) / 1_000_000:.1f} MB."
                )
            if not image.alt_text.strip():
                raise PermanentRefusal(
                    "Every picture on Bluesky is sent with a description for people "
                    "who cannot see it; give the image a description and send again."
                )

    # --- posts -------------------------------------------------------------------
    def publish(
        self, *, text: str, images: list[ImageFile], link: str | None = None
    ) -> PublishResult:
        """One post record: the text with facets, the pictures or a link card."""
        text = text_with_link(text, link)
        self.check_post(text=text, images=images)
        rkey = record_key_for_link(link or text)
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": datetime.fromtimestamp(self.clock(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "langs": ["cy" if _looks_welsh(text) else "en"],
        }
        dids, unknown = self._resolve_handles(mentioned_handles(text))
        facets = facets_for(text, dids=dids)
        if facets:
            record["facets"] = facets
        if images:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [self._upload(image) for image in images],
            }
        elif link:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {
                    "uri": link,
                    "title": text.split("\n", 1)[0][:300],
                    "description": "",
                },
            }
        try:
            answer = self._request(
                lambda client: client.com.atproto.repo.create_record(
                    {
                        "repo": self._did,
                        "collection": POST,
                        "rkey": rkey,
                        "record": record,
                    }
                ),
                write=True,
            )
        except PermanentRefusal as error:
            if "already exists" not in error.reason:
                raise
            # An earlier attempt made this very record; its answer was lost.
            existing = self._record(rkey)
            if existing is None or link and link not in existing["text"]:
                raise
            return PublishResult(remote_id=existing["uri"], url=self.post_url(rkey))
        notes = tuple(
            f"@{handle} was not found on Bluesky, so it is plain text in the post, "
            "not a mention that tells them."
            for handle in unknown
        )
        return PublishResult(
            remote_id=str(answer.uri), url=self.post_url(rkey), notes=notes
        )

    def _resolve_handles(self, handles: list[str]) -> tuple[dict[str, str], list[str]]:
        """Each handle's DID (`resolveHandle`), and the handles Bluesky does not know.

        Resolving writes nothing, so a failure to reach Bluesky is simply retried
        later; a handle Bluesky does not know is left as plain text.
        """
        dids: dict[str, str] = {}
        unknown: list[str] = []
        for handle in handles:
            try:
                answer = self._request(
                    lambda client, handle=handle: (
                        client.com.atproto.identity.resolve_handle({"handle": handle})
                    ),
                    write=False,
                )
            except PermanentRefusal:
                unknown.append(handle)
                continue
            dids[handle] = str(answer.did)
        return dids, unknown

    def retract(self, *, remote_id: str) -> RetractResult:
        """`deleteRecord`; a record already gone counts as retracted."""
        rkey = _rkey(remote_id)
        if self._record(rkey) is None:
            return RetractResult(remote_id=remote_id, already_gone=True)
        self._request(
            lambda client: client.com.atproto.repo.delete_record(
                {"repo": self._did, "collection": POST, "rkey": rkey}
            ),
            write=False,  # deleting twice is harmless
        )
        return RetractResult(remote_id=remote_id)

    def recent_posts(
        self, *, since: datetime, include_photos: bool = False
    ) -> list[RemotePost]:
        """The account's post records created since `since`, newest first.

        Derived record keys do not sort by time, so every page up to
        `MAX_LIST_PAGES` is read and filtered by `createdAt`.
        """
        posts: list[tuple[str, RemotePost]] = []
        cursor = None
        for _ in range(MAX_LIST_PAGES):
            params = {
                "repo": self._did or self.handle,
                "collection": POST,
                "limit": 100,
            }
            if cursor:
                params["cursor"] = cursor
            answer = self._request(
                lambda client, params=params: client.com.atproto.repo.list_records(
                    params
                ),
                write=False,
            )
            for item in answer.records:
                value = _plain(item.value)
                created = str(value.get("createdAt") or "")
                if created and _parse_time(created) < since:
                    continue
                rkey = _rkey(str(item.uri))
                links = tuple(
                    feature.get("uri")
                    for facet in value.get("facets") or []
                    for feature in facet.get("features") or []
                    if feature.get("uri")
                )
                posts.append(
                    (
                        created,
                        RemotePost(
                            remote_id=str(item.uri),
                            url=self.post_url(rkey),
                            text=str(value.get("text") or ""),
                            links=links,
                        ),
                    )
                )
            cursor = answer.cursor
            if not cursor:
                return [post for _, post in sorted(posts, reverse=True)]
        raise PermanentRefusal(
            f"The account has more than {MAX_LIST_PAGES * 100} posts; they were not "
            "all read."
        )

    # --- search (the school's mentions) ------------------------------------------
    def search_posts(
        self, *, query: str, since: datetime, limit: int = 50
    ) -> list[SearchedPost]:
        """Public posts matching ``query`` made since ``since``, newest first.

        Through the account's own PDS, which passes ``app.bsky.feed.searchPosts`` on
        to Bluesky's AppView for signed-in accounts (the public AppView may refuse
        searches made without an account). One page of ``limit``: a search run every
        few minutes never has more new posts than that for one school.
        """
        params = {
            "q": query,
            "sort": "latest",
            "since": since.astimezone(UTC).isoformat(timespec="seconds"),
            "limit": limit,
        }
        answer = self._request(
            lambda client: client.app.bsky.feed.search_posts(params), write=False
        )
        web = bluesky_web_base_url(self.base_url)
        found = []
        for post in answer.posts:
            value = _plain(post.record)
            handle = str(post.author.handle)
            found.append(
                SearchedPost(
                    uri=str(post.uri),
                    url=f"{web}/profile/{handle}/post/{_rkey(str(post.uri))}",
                    text=str(value.get("text") or ""),
                    author=str(post.author.display_name or handle),
                    handle=handle,
                    created_at=_parse_time(str(value.get("createdAt") or "")),
                )
            )
        return found

    # --- pinning (M1): the profile record's pinnedPost -----------------------------
    def pin(self, *, remote_id: str) -> PinResult:
        post = self._record(_rkey(remote_id))
        if post is None:
            raise RemotePostMissing(f"Bluesky has no post {remote_id}.")
        self._set_profile_pin({"uri": post["uri"], "cid": post["cid"]})
        return PinResult(remote_id=remote_id, pinned=True)

    def unpin(self, *, remote_id: str) -> PinResult:
        profile = self._profile()
        if (profile.get("pinnedPost") or {}).get("uri") == remote_id:
            self._set_profile_pin(None)
        return PinResult(remote_id=remote_id, pinned=False)

    def pinned_state(self, *, remote_id: str) -> PinResult:
        pinned = (self._profile().get("pinnedPost") or {}).get("uri") == remote_id
        return PinResult(remote_id=remote_id, pinned=pinned)

    # --- the social inbox: replies and mentions, replying, blocking -----------------
    def notifications_since(
        self, *, since: datetime, reasons: tuple[str, ...], max_pages: int
    ) -> list[dict[str, Any]]:
        """Notifications of these `reasons` since `since`, as plain JSON data.

        `listNotifications` answers newest first, so reading stops at the first
        older than `since` (or after `max_pages` pages of 100; the next poll
        reads on from where this one stopped).
        """
        found: list[dict[str, Any]] = []
        cursor = None
        for _ in range(max_pages):
            params: dict[str, Any] = {"limit": 100, "reasons": list(reasons)}
            if cursor:
                params["cursor"] = cursor
            answer = _plain(
                self._request(
                    lambda client, params=params: (
                        client.app.bsky.notification.list_notifications(params)
                    ),
                    write=False,
                )
            )
            for notification in answer.get("notifications") or []:
                if _parse_time(str(notification.get("indexedAt") or "")) < since:
                    return found
                if notification.get("reason") in reasons:
                    found.append(notification)
            cursor = answer.get("cursor")
            if not cursor:
                break
        return found

    def reply(self, *, in_reply_to: str, text: str) -> str:
        """Reply under someone's post (at:// URI); returns the reply's URI."""
        answer = _plain(
            self._request(
                lambda client: client.app.bsky.feed.get_posts({"uris": [in_reply_to]}),
                write=False,
            )
        )
        posts = answer.get("posts") or []
        if not posts:
            raise RemotePostMissing("The post is no longer on Bluesky.")
        parent = {"uri": str(posts[0]["uri"]), "cid": str(posts[0]["cid"])}
        root = (posts[0].get("record") or {}).get("reply", {}).get("root") or parent
        record = {
            "$type": POST,
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "reply": {"root": root, "parent": parent},
            "facets": facets_for(text),
        }
        created = self._request(
            lambda client: client.com.atproto.repo.create_record(
                {"repo": self._did, "collection": POST, "record": record}
            ),
            write=True,
        )
        return str(created.uri)

    def block(self, *, did: str) -> None:
        """Block someone: an `app.bsky.graph.block` record in the account's repo."""
        self._request(
            lambda client: client.com.atproto.repo.create_record(
                {
                    "repo": self._did,
                    "collection": BLOCK,
                    "record": {
                        "$type": BLOCK,
                        "subject": did,
                        "createdAt": datetime.now(UTC)
                        .isoformat()
                        .replace("+00:00", "Z"),
                    },
                }
            ),
            write=False,  # a second block record of the same person is harmless
        )

    def _profile(self) -> dict[str, Any]:
        found = self._record("self", collection=PROFILE)
        return found["value"] if found else {"$type": PROFILE}

    def _set_profile_pin(self, pinned: dict[str, str] | None) -> None:
        profile = {k: v for k, v in self._profile().items() if k != "pinnedPost"}
        if pinned:
            profile["pinnedPost"] = pinned
        self._request(
            lambda client: client.com.atproto.repo.put_record(
                {
                    "repo": self._did,
                    "collection": PROFILE,
                    "rkey": "self",
                    "record": profile,
                }
            ),
            write=False,  # writing the same profile twice is harmless
        )

    def post_url(self, rkey: str) -> str:
        """Where a person reads the post (bsky.app, or the emulator's own page)."""
        return (
            f"{bluesky_web_base_url(self.base_url)}/profile/{self.handle}/post/{rkey}"
        )

    # --- the one way to the PDS ------------------------------------------------------
    def _record(self, rkey: str, *, collection: str = POST) -> dict[str, Any] | None:
        """A record as plain data (uri, cid, value, text), or None if there is none."""
        try:
            answer = self._request(
                lambda client: client.com.atproto.repo.get_record(
                    {"repo": self._did, "collection": collection, "rkey": rkey}
                ),
                write=False,
            )
        except RemotePostMissing:
            return None
        value = _plain(answer.value)
        return {
            "uri": str(answer.uri),
            "cid": str(answer.cid),
            "value": value,
            "text": str(value.get("text") or ""),
        }

    def _upload(self, image: ImageFile) -> dict[str, Any]:
        answer = self._request(
            lambda client: client.com.atproto.repo.upload_blob(
                image.content, headers={"Content-Type": image.mime_type}
            ),
            write=False,  # an unused blob posts nothing and is dropped by the PDS
        )
        blob = answer.blob
        width, height = _size(image.content)
        return {
            "$type": "app.bsky.embed.images#image",
            "alt": image.alt_text,
            "image": {
                "$type": "blob",
                "ref": {"$link": str(blob.ref.link)},
                "mimeType": blob.mime_type,
                "size": blob.size,
            },
            "aspectRatio": {"width": width, "height": height},
        }

    def _signed_in(self) -> Client:
        """The client with a session: the stored one, or (only without one) a login."""
        if self._did:
            return self._client
        stored = self.credentials.get("session")
        if stored:
            self._client.login(session_string=stored, fetch_bsky_profile=False)
        else:
            self._login()
        return self._client

    def _login(self) -> None:
        logger.info(
            "Signing in to Bluesky as %s",
            self.handle,
            extra={"event": "social.bluesky_login", "network": "bluesky"},
        )
        try:
            self._client.login(
                self.handle,
                self.credentials["app_password"],
                fetch_bsky_profile=False,
            )
        except at.UnauthorizedError:
            raise AuthExpired(
                "Bluesky refused the app password (it was revoked or changed); "
                "connect the Bluesky account again with a new app password."
            ) from None
        except at.AtProtocolError as error:
            raise _mapped(error, write=False, clock=self.clock) from None

    def _renew_session(self) -> None:
        """The server says the access token expired: refresh, or else sign in."""
        try:
            # The SDK's own refresh (it runs it itself when the token is near its
            # expiry by the clock); here the server has said so first.
            self._client._refresh_and_set_session()
        except at.AtProtocolError:
            self._login()

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        self._did = session.did
        if event not in (sdk.SessionEvent.CREATE, sdk.SessionEvent.REFRESH):
            return
        self.credentials["session"] = self._client.export_session_string()
        if self.on_credentials_change is not None:
            self.on_credentials_change(dict(self.credentials))

    def _request(self, action: Callable[[Client], Any], *, write: bool) -> Any:
        """Call the SDK; renew an expired session once; map its errors to ours."""
        for attempt in (1, 2):
            try:
                return action(self._signed_in())
            except (at.BadRequestError, at.UnauthorizedError) as error:
                if attempt == 1 and _error_name(error) in (
                    "ExpiredToken",
                    "InvalidToken",
                    "AuthenticationRequired",
                ):
                    self._renew_session()
                    continue
                raise _mapped(error, write=write, clock=self.clock) from None
            except at.LoginRequiredError:
                self._did = ""
                self.credentials.pop("session", None)
                if attempt == 2:
                    raise
            except at.AtProtocolError as error:
                raise _mapped(error, write=write, clock=self.clock) from None
        raise AuthExpired("Bluesky would not accept a new session; connect it again.")


def _mapped(error: at.AtProtocolError, *, write: bool, clock: Clock) -> NetworkError:
    """The `NetworkError` for an SDK error, in the network's own words if any."""
    response = getattr(error, "response", None)
    if response is None:
        cause = error.__cause__
        if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout):
            return TransientNetworkError("Bluesky could not be reached.")
        reason = (
            "Bluesky did not answer in time."
            if isinstance(error, at.InvokeTimeoutError)
            else "The connection to Bluesky broke before its answer arrived."
        )
        return OutcomeUnknown(reason) if write else TransientNetworkError(reason)
    status = response.status_code
    name, words = _error_name(error), _error_message(error)
    if status == 429 or isinstance(error, at.RateLimitExceededError):
        retry_after = _retry_after(response.headers, clock)
        wait = f" Try again in {retry_after:.0f} seconds." if retry_after else ""
        return TransientNetworkError(
            f"Bluesky's rate limit is used up.{wait}", retry_after=retry_after
        )
    if status in (401, 403):
        return AuthExpired(
            f"Bluesky refused the account's session ({words}); connect it again."
        )
    if status >= 500:
        reason = f"Bluesky had a temporary problem ({status}: {words})."
        return OutcomeUnknown(reason) if write else TransientNetworkError(reason)
    if name == "RecordNotFound":
        return RemotePostMissing(f"Bluesky has no such post: {words}")
    return PermanentRefusal(f"Bluesky refused the post: {words}")


def _error_name(error: at.AtProtocolError) -> str:
    content = getattr(getattr(error, "response", None), "content", None)
    return str(getattr(content, "error", "") or "")


def _error_message(error: at.AtProtocolError) -> str:
    content = getattr(getattr(error, "response", None), "content", None)
    return str(getattr(content, "message", "") or _error_name(error) or "no reason")


def _retry_after(headers: Mapping[str, str], clock: Clock) -> float | None:
    """Seconds until `ratelimit-reset` (epoch seconds), as Bluesky sends it."""
    try:
        reset = float(headers.get("ratelimit-reset", ""))
    except ValueError:
        return None
    return max(0.0, reset - clock())


def _plain(value: Any) -> dict[str, Any]:
    """A record value from the SDK (a model or a dict) as plain JSON data."""
    if isinstance(value, dict):
        return value
    dump = getattr(value, "model_dump", None)
    return dump(by_alias=True, exclude_none=True, mode="json") if dump else {}


def _rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)  # unreadable: keep it, never miss one
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as picture:
        return picture.size


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    """Encoded afresh: no EXIF, no comment, nothing but the pixels."""
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


_WELSH_LETTERS = frozenset("ŵŷâêîôûŴŶÂÊÎÔÛ")
_WELSH_WORDS = frozenset({"ysgol", "croeso", "diolch", "yr", "a'r", "gyda", "heddiw"})


def _looks_welsh(text: str) -> bool:
    """A rough language tag for Bluesky's feeds: Welsh letters or common words."""
    words = {word.lower() for word in regex.findall(r"[\p{L}']+", text)}
    return bool(_WELSH_LETTERS & set(text)) or len(_WELSH_WORDS & words) >= 2


@dataclass(frozen=True)
class BlueskyConnection:
    """The account an app password signs in to, and the credentials to store."""

    handle: str
    credentials: dict[str, str]


def bluesky_connect(
    *, handle: str, app_password: str, base_url: str, timeout: float = 15.0
) -> BlueskyConnection:
    """Sign in once with the app password to prove it works; keep that session.

    Raises:
        AuthExpired: Bluesky refused the handle or the app password.
        NetworkError: Bluesky could not be reached.
    """
    kept: dict[str, str] = {}
    adapter = BlueskyNetwork(
        credentials={"handle": handle.strip(), "app_password": app_password.strip()},
        base_url=base_url,
        timeout=timeout,
        on_credentials_change=kept.update,
    )
    adapter._signed_in()
    return BlueskyConnection(
        handle=f"@{adapter.handle}", credentials=kept or dict(adapter.credentials)
    )
