"""An emulator of one Bluesky account's PDS: the XRPC endpoints the adapter uses.

`com.atproto.server.createSession` / `refreshSession` (app password in, access and
refresh JWTs out, the old refresh token spent), `com.atproto.repo.uploadBlob`,
`createRecord` / `putRecord` / `deleteRecord` / `getRecord` / `listRecords`, and
`app.bsky.feed.searchPosts` (over the account's posts and other people's, added with
`add_network_post`), with
Bluesky's error shape (`{"error": "InvalidRequest", "message": ...}`) and its
rate-limit headers (`ratelimit-limit`, `-remaining`, `-reset`, `-policy`).

What other people do (the social inbox): `add_reply()` replies under one of the
account's posts (or under a reply), `add_mention()` mentions the account, `add_like()`
likes a post; each is a notification in `app.bsky.notification.listNotifications`
(newest first, `limit` and `cursor`), and their posts are read with
`app.bsky.feed.getPosts`. `delete_post_by_hand()` is the author deleting theirs: it
leaves both. Bluesky has no way to hide a reply; the account blocks someone by writing
an `app.bsky.graph.block` record to its own repository.

It checks what the PDS and the `app.bsky.feed.post` lexicon check: a post's text is
at most 300 graphemes (and 3,000 bytes); its facets' `byteStart`/`byteEnd` are UTF-8
byte offsets inside the text, on character boundaries; a link facet covers its own
link and a mention facet the "@handle" of its DID (as `resolveHandle` gives it, for
this account and those added with `add_account`); at most 4 images, each an
uploaded blob of at most 2,000,000 bytes with an `alt`; a record key is a valid TID
and is not already used. Standard library plus
`regex` (for grapheme clusters, as Bluesky counts them): no Django.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import regex

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

DEMO_BLUESKY_ACCOUNT = {
    "handle": "ourschool.bsky.social",
    "app_password": "demo-abcd-efgh-ijkl",
}
DEMO_BLUESKY_DID = "did:plc:ourschooldemo000000000000"
#: What the PDS and the lexicons allow.
MAX_GRAPHEMES = 300
MAX_TEXT_BYTES = 3000
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 2_000_000
ACCESS_SECONDS = 2 * 3600
RATE_LIMIT = 5000
RATE_WINDOW_SECONDS = 3600
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_POST = "app.bsky.feed.post"
_PROFILE = "app.bsky.actor.profile"
_INBOX_REASONS = ("reply", "mention", "like")


def cid_for(data: bytes, *, codec: int = 0x71) -> str:
    """A CIDv1 (sha-256, base32) as the PDS gives records (dag-cbor) and blobs."""
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


@dataclass
class BlueskyRecord:
    collection: str
    rkey: str
    value: dict[str, Any]
    cid: str
    indexed_at: str


@dataclass
class _Blob:
    cid: str
    mime_type: str
    content: bytes = field(repr=False)


class BlueskyEmulator(Emulator):
    """One account's repository on a loopback port. Thread-safe under `lock`."""

    title: ClassVar[str] = "Bluesky"

    def __init__(
        self,
        *,
        handle: str = DEMO_BLUESKY_ACCOUNT["handle"],
        app_password: str = DEMO_BLUESKY_ACCOUNT["app_password"],
        did: str = DEMO_BLUESKY_DID,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bsky_handle = handle
        self.app_password = app_password
        self.did = did
        #: Other accounts' handles and DIDs, for `resolveHandle` (mentions).
        self.directory: dict[str, str] = {}
        self._signing_key = secrets.token_bytes(32)
        self.clear_state()

    @property
    def credentials(self) -> dict[str, str]:
        """Credentials that work against this emulator (the adapter's keys)."""
        return {"handle": self.bsky_handle, "app_password": self.app_password}

    def clear_state(self) -> None:
        self.records: dict[tuple[str, str], BlueskyRecord] = {}
        self.blobs: dict[str, _Blob] = {}
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.logins = 0
        self.refreshes = 0
        self.remaining = RATE_LIMIT
        self.others_posts: dict[str, dict[str, Any]] = {}  # uri -> post view
        self.notifications: list[dict[str, Any]] = []  # oldest first

    # --- switches for tests and the demo ---------------------------------------------
    def expire_sessions(self) -> None:
        """Every access token given out so far stops working (ExpiredToken)."""
        with self.lock:
            self.access_tokens.clear()

    def revoke_app_password(self) -> None:
        """The account holder revoked the app password in Bluesky's settings."""
        with self.lock:
            self.app_password = "revoked-" + secrets.token_urlsafe(8)
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def add_account(self, handle: str, did: str) -> None:
        """Another Bluesky account, which posts can mention by its handle."""
        with self.lock:
            self.directory[handle.lower()] = did

    def delete_by_hand(self, rkey: str) -> None:
        """Someone deleted the post in the Bluesky app."""
        with self.lock:
            self.records.pop((_POST, rkey), None)

    def add_network_post(
        self,
        *,
        text: str,
        handle: str = "a-parent.bsky.social",
        display_name: str = "",
        created_at: str | None = None,
    ) -> str:
        """Someone else posts on Bluesky, not to the school (what a search finds)."""
        with self.lock:
            created = created_at or datetime.fromtimestamp(self.clock(), UTC).isoformat(
                timespec="milliseconds"
            ).replace("+00:00", "Z")
            author = self._author(handle, display_name)
            rkey = _new_tid(self.clock() + len(self.others_posts) / 1000)
            uri = f"at://{author['did']}/{_POST}/{rkey}"
            record = {"$type": _POST, "text": text, "createdAt": created}
            self.others_posts[uri] = {
                "uri": uri,
                "cid": cid_for(json.dumps(record, sort_keys=True).encode()),
                "author": author,
                "record": record,
                "indexedAt": created,
            }
            return uri

    # --- other people: replies, mentions, likes --------------------------------------
    def add_reply(
        self,
        post_uri: str,
        *,
        text: str,
        author_handle: str = "parent.bsky.social",
        author_name: str = "A parent",
    ) -> str:
        """Someone replies under `post_uri` (the account's post, or a reply under
        one); returns the reply's at:// URI."""
        with self.lock:
            parent = self._strong_ref(post_uri)
            parent_post = self.others_posts.get(post_uri)
            root = (
                parent_post["record"]["reply"]["root"]
                if parent_post and parent_post["record"].get("reply")
                else parent
            )
            record = {
                "$type": _POST,
                "text": text,
                "createdAt": self._now(),
                "reply": {"root": root, "parent": parent},
            }
            return self._someone_posts(
                record, author_handle, author_name, "reply", post_uri
            )

    def add_mention(
        self,
        *,
        text: str,
        author_handle: str = "neighbour.bsky.social",
        author_name: str = "A neighbour",
    ) -> str:
        """Someone mentions the account in a post of their own."""
        with self.lock:
            mention = f"@{self.bsky_handle}"
            text = text if mention in text else f"{text} {mention}"
            start = len(text[: text.index(mention)].encode())
            record = {
                "$type": _POST,
                "text": text,
                "createdAt": self._now(),
                "facets": [
                    {
                        "index": {
                            "byteStart": start,
                            "byteEnd": start + len(mention.encode()),
                        },
                        "features": [
                            {
                                "$type": "app.bsky.richtext.facet#mention",
                                "did": self.did,
                            }
                        ],
                    }
                ],
            }
            return self._someone_posts(
                record, author_handle, author_name, "mention", None
            )

    def add_like(self, post_uri: str, *, author_handle: str = "fan.bsky.social"):
        """Someone likes a post: a notification that is not a comment."""
        with self.lock:
            record = {
                "$type": "app.bsky.feed.like",
                "subject": self._strong_ref(post_uri),
                "createdAt": self._now(),
            }
            author = self._author(author_handle, "")
            uri = f"at://{author['did']}/app.bsky.feed.like/{_new_tid(self.clock())}"
            self._notify(uri, record, author, "like", post_uri)
            return uri

    def extra_control(
        self, action: str, request: EmulatorRequest
    ) -> EmulatorResponse | None:
        """`POST /__emulator__/reply` with JSON {post_uri, text, author_handle,
        author_name}: a reply from another process (the demo)."""
        if action != "reply" or request.method != "POST":
            return None
        body = request.json()
        if not isinstance(body, dict):
            return EmulatorResponse.json({"error": "send a JSON object"}, 400)
        try:
            uri = self.add_reply(
                str(body.get("post_uri") or ""),
                text=str(body.get("text") or ""),
                author_handle=str(body.get("author_handle") or "parent.bsky.social"),
                author_name=str(body.get("author_name") or "A parent"),
            )
        except KeyError:
            return EmulatorResponse.json({"error": "give the uri of a post"}, 400)
        return EmulatorResponse.json({"uri": uri})

    def delete_post_by_hand(self, uri: str) -> None:
        """The author deleted their reply or mention before the school read it."""
        with self.lock:
            self.others_posts.pop(uri, None)
            self.notifications = [n for n in self.notifications if n["uri"] != uri]

    def blocked_dids(self) -> list[str]:
        with self.lock:
            return [
                r.value["subject"]
                for r in self.records.values()
                if r.collection == "app.bsky.graph.block"
            ]

    def _now(self) -> str:
        return (
            datetime.fromtimestamp(self.clock(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )

    def _strong_ref(self, uri: str) -> dict[str, str]:
        if uri in self.others_posts:
            return {"uri": uri, "cid": self.others_posts[uri]["cid"]}
        rkey = uri.rsplit("/", 1)[-1]
        record = self.records.get((_POST, rkey))
        if record is None or uri != self._uri(record):
            raise KeyError(f"no post {uri}")
        return {"uri": uri, "cid": record.cid}

    def _author(self, handle: str, name: str) -> dict[str, str]:
        digest = hashlib.sha256(handle.encode()).digest()
        suffix = base64.b32encode(digest).decode().lower()[:24]
        author = {"did": f"did:plc:{suffix}", "handle": handle}
        if name:
            author["displayName"] = name
        return author

    def _someone_posts(self, record, handle, name, reason, subject) -> str:
        author = self._author(handle, name)
        uri = f"at://{author['did']}/{_POST}/{_new_tid(self.clock())}"
        cid = cid_for(json.dumps(record, sort_keys=True).encode())
        self.others_posts[uri] = {
            "uri": uri,
            "cid": cid,
            "author": author,
            "record": record,
            "indexedAt": record["createdAt"],
        }
        self._notify(uri, record, author, reason, subject, cid=cid)
        return uri

    def _notify(self, uri, record, author, reason, subject, *, cid=None) -> None:
        notification = {
            "uri": uri,
            "cid": cid or cid_for(uri.encode()),
            "author": author,
            "reason": reason,
            "record": record,
            "isRead": False,
            "indexedAt": record["createdAt"],
        }
        if subject:
            notification["reasonSubject"] = subject
        self.notifications.append(notification)

    def posts(self) -> list[BlueskyRecord]:
        with self.lock:
            return sorted(
                (r for r in self.records.values() if r.collection == _POST),
                key=lambda r: r.rkey,
                reverse=True,
            )

    def pinned_uri(self) -> str | None:
        with self.lock:
            profile = self.records.get((_PROFILE, "self"))
        pinned = (profile.value.get("pinnedPost") or {}) if profile else {}
        return pinned.get("uri")

    def snapshot(self) -> dict[str, Any]:
        return {
            "network": "bluesky",
            "account": {"did": self.did, "handle": self.bsky_handle},
            "posts": [
                {"uri": self._uri(r), "cid": r.cid, "record": r.value}
                for r in self.posts()
            ],
            "pinned": self.pinned_uri(),
            "logins": self.logins,
            "refreshes": self.refreshes,
            "notifications": len(self.notifications),
            "blocked": self.blocked_dids(),
            "replies_by_account": [
                r.value for r in self.posts() if r.value.get("reply")
            ],
        }

    # --- pages for people ------------------------------------------------------------
    def timeline_html(self) -> str:
        articles = "".join(self._article(record) for record in self.posts())
        return page(
            f"@{self.bsky_handle} on Bluesky (emulator)",
            f"<h1>@{html.escape(self.bsky_handle)}</h1>"
            "<p class='meta'>Bluesky emulator: the school's account.</p>"
            + (articles or "<p>No posts yet.</p>"),
        )

    def _article(self, record: BlueskyRecord) -> str:
        value = record.value
        pinned = self.pinned_uri() == self._uri(record)
        embed = value.get("embed") or {}
        images = "".join(
            f"<img src='/blob/{html.escape(item['image']['ref']['$link'])}' "
            f"alt='{html.escape(item.get('alt', ''))}'>"
            for item in embed.get("images", [])
        )
        card = embed.get("external")
        card_html = (
            f"<p class='meta'>Link card: <a href='{html.escape(card['uri'])}'>"
            f"{html.escape(card.get('title', ''))}</a></p>"
            if card
            else ""
        )
        return (
            f"<article id='post-{record.rkey}'>"
            + ("<p class='pinned'>📌 Pinned post</p>" if pinned else "")
            + f"<p>{html.escape(value.get('text', ''))}</p>{card_html}{images}"
            f"<p class='meta'>{html.escape(value.get('createdAt', ''))} · "
            f"<a href='/profile/{self.bsky_handle}/post/{record.rkey}'>"
            f"post {record.rkey}"
            "</a></p></article>"
        )

    def serve_file(self, request: EmulatorRequest) -> EmulatorResponse | None:
        if request.method != "GET":
            return None
        if request.path.startswith("/blob/"):
            with self.lock:
                blob = self.blobs.get(request.path.removeprefix("/blob/"))
            if blob is None:
                return EmulatorResponse.html("<p>No such blob.</p>", 404)
            return EmulatorResponse(200, blob.content, blob.mime_type)
        prefix = f"/profile/{self.bsky_handle}/post/"
        if request.path.startswith(prefix):
            with self.lock:
                record = self.records.get((_POST, request.path.removeprefix(prefix)))
                if record is None:
                    return EmulatorResponse.html(
                        page("Not found", "<p>Post not found.</p>"), 404
                    )
                return EmulatorResponse.html(
                    page(self.bsky_handle, self._article(record))
                )
        return None

    # --- XRPC ------------------------------------------------------------------------
    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        if not request.path.startswith("/xrpc/"):
            return self._error("MethodNotImplemented", "Not an XRPC path.", 404)
        method = request.path.removeprefix("/xrpc/")
        self.remaining = max(0, self.remaining - 1)
        if method == "com.atproto.server.createSession" and request.method == "POST":
            return self._create_session(request)
        if method == "com.atproto.server.refreshSession" and request.method == "POST":
            return self._refresh_session(request)
        if method == "com.atproto.identity.resolveHandle" and request.method == "GET":
            return self._resolve_handle(request)
        problem = self._check_access(request)
        if problem is not None:
            return problem
        handlers = {
            ("POST", "com.atproto.repo.uploadBlob"): self._upload_blob,
            ("POST", "com.atproto.repo.createRecord"): self._create_record,
            ("POST", "com.atproto.repo.putRecord"): self._put_record,
            ("POST", "com.atproto.repo.deleteRecord"): self._delete_record,
            ("GET", "com.atproto.repo.getRecord"): self._get_record,
            ("GET", "com.atproto.repo.listRecords"): self._list_records,
            ("GET", "app.bsky.feed.searchPosts"): self._search_posts,
            ("GET", "app.bsky.notification.listNotifications"): self._notifications,
            ("GET", "app.bsky.feed.getPosts"): self._get_posts,
        }
        handler = handlers.get((request.method, method))
        if handler is None:
            return self._error(
                "MethodNotImplemented", f"{method} is not emulated.", 501
            )
        return handler(request)

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if failure.kind in ("unauthorized", "expired_token"):
            return self._error("ExpiredToken", "Token has expired", 400)
        if failure.kind == "rate_limited":
            self.remaining = 0
            return self._error(
                "RateLimitExceeded",
                "Rate Limit Exceeded",
                429,
                reset_in=failure.retry_after,
            )
        if failure.kind in ("duplicate", "media_refused"):
            return self._error("InvalidRequest", "Invalid request", 400)
        return self._error(
            "InternalServerError",
            "Internal Server Error",
            failure.status or 500,
        )

    def _headers(self, reset_in: int = RATE_WINDOW_SECONDS) -> dict[str, str]:
        return {
            "ratelimit-limit": str(RATE_LIMIT),
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": str(int(self.clock()) + reset_in),
            "ratelimit-policy": f"{RATE_LIMIT};w={RATE_WINDOW_SECONDS}",
        }

    def _answer(self, data: Any, status: int = 200) -> EmulatorResponse:
        return EmulatorResponse.json(data, status, self._headers())

    def _error(
        self,
        error: str,
        message: str,
        status: int = 400,
        *,
        reset_in: int = RATE_WINDOW_SECONDS,
    ) -> EmulatorResponse:
        return EmulatorResponse.json(
            {"error": error, "message": message}, status, self._headers(reset_in)
        )

    # --- sessions --------------------------------------------------------------------
    def _jwt(self, scope: str, lifetime: int) -> str:
        now = int(self.clock())
        header = {"typ": "at+jwt" if scope != "refresh" else "refresh+jwt"}
        header["alg"] = "HS256"
        claims = {
            "scope": scope,
            "sub": self.did,
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_urlsafe(12),
        }

        def part(data: dict) -> str:
            raw = json.dumps(data, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        signing_input = f"{part(header)}.{part(claims)}"
        signature = hmac.new(
            self._signing_key, signing_input.encode(), hashlib.sha256
        ).digest()
        encoded = base64.urlsafe_b64encode(signature).decode().rstrip("=")
        return f"{signing_input}.{encoded}"

    def _new_session(self) -> EmulatorResponse:
        access = self._jwt("com.atproto.appPass", ACCESS_SECONDS)
        refresh = self._jwt("com.atproto.refresh", 60 * 24 * 3600)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return self._answer(
            {
                "did": self.did,
                "handle": self.bsky_handle,
                "accessJwt": access,
                "refreshJwt": refresh,
                "active": True,
            }
        )

    def _create_session(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json() or {}
        self.logins += 1
        if body.get("identifier") not in (
            self.bsky_handle,
            self.did,
        ) or not hmac.compare_digest(
            str(body.get("password", "")).encode(), self.app_password.encode()
        ):
            return self._error(
                "AuthenticationRequired", "Invalid identifier or password", 401
            )
        return self._new_session()

    def _refresh_session(self, request: EmulatorRequest) -> EmulatorResponse:
        token = _bearer(request)
        if token not in self.refresh_tokens:
            return self._error("ExpiredToken", "Token has been revoked", 400)
        self.refresh_tokens.discard(token)  # a refresh token is used once
        self.refreshes += 1
        return self._new_session()

    def _resolve_handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """`resolveHandle` needs no session, as on the real service."""
        handle = (request.query.get("handle") or "").lower()
        found = {self.bsky_handle: self.did, **self.directory}.get(handle)
        if found is None:
            return self._error("InvalidRequest", "Unable to resolve handle")
        return self._answer({"did": found})

    def _check_access(self, request: EmulatorRequest) -> EmulatorResponse | None:
        token = _bearer(request)
        if token is None:
            return self._error("AuthenticationRequired", "Authentication Required", 401)
        if token not in self.access_tokens:
            return self._error("ExpiredToken", "Token has expired", 400)
        return None

    # --- the repository --------------------------------------------------------------
    def _uri(self, record: BlueskyRecord) -> str:
        return f"at://{self.did}/{record.collection}/{record.rkey}"

    def _upload_blob(self, request: EmulatorRequest) -> EmulatorResponse:
        content = request.body
        if len(content) > MAX_IMAGE_BYTES:
            return self._error(
                "BlobTooLarge",
                f"This file is too large. It is {len(content)} bytes but the maximum "
                f"size is {MAX_IMAGE_BYTES} bytes.",
                400,
            )
        mime_type = request.content_type or "application/octet-stream"
        cid = cid_for(content, codec=0x55)
        self.blobs[cid] = _Blob(cid, mime_type, content)
        return self._answer(
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": mime_type,
                    "size": len(content),
                }
            }
        )

    def _write(self, request: EmulatorRequest, *, replace: bool) -> EmulatorResponse:
        body = request.json()
        if not isinstance(body, dict):
            return self._error("InvalidRequest", "Send a JSON object.")
        if body.get("repo") not in (self.did, self.bsky_handle):
            return self._error("InvalidRequest", "Could not find repo", 400)
        collection = body.get("collection")
        record = body.get("record")
        rkey = body.get("rkey") or _new_tid(self.clock())
        if not isinstance(record, dict) or record.get("$type") != collection:
            return self._error(
                "InvalidRequest", "Invalid $type: must match the collection"
            )
        if collection == _POST and not _TID.match(rkey):
            return self._error("InvalidRequest", f"Invalid TID: {rkey}")
        if not replace and (collection, rkey) in self.records:
            return self._error("InvalidRequest", "Record already exists")
        if collection == _POST:
            problem = self._post_problem(record)
            if problem:
                return self._error("InvalidRecord", problem)
        encoded = json.dumps(record, sort_keys=True).encode()
        stored = BlueskyRecord(
            collection,
            rkey,
            record,
            cid_for(encoded),
            datetime.now(UTC).isoformat(),
        )
        self.records[(collection, rkey)] = stored
        return self._answer(
            {
                "uri": self._uri(stored),
                "cid": stored.cid,
                "commit": {
                    "cid": cid_for(encoded + b"c"),
                    "rev": _new_tid(self.clock()),
                },
                "validationStatus": "valid",
            }
        )

    def _create_record(self, request: EmulatorRequest) -> EmulatorResponse:
        return self._write(request, replace=False)

    def _put_record(self, request: EmulatorRequest) -> EmulatorResponse:
        return self._write(request, replace=True)

    def _post_problem(self, record: dict[str, Any]) -> str | None:
        text = record.get("text")
        if not isinstance(text, str) or not isinstance(record.get("createdAt"), str):
            return "Record/text and Record/createdAt must be strings"
        encoded = text.encode()
        graphemes = len(regex.findall(r"\X", text))
        if graphemes > MAX_GRAPHEMES or len(encoded) > MAX_TEXT_BYTES:
            return (
                f"Record/text must not be longer than {MAX_GRAPHEMES} graphemes "
                f"(it is {graphemes})"
            )
        for facet in record.get("facets") or []:
            problem = _facet_problem(
                facet, encoded, dids={self.bsky_handle: self.did, **self.directory}
            )
            if problem:
                return problem
        embed = record.get("embed")
        if isinstance(embed, dict) and embed.get("$type") == "app.bsky.embed.images":
            images = embed.get("images") or []
            if len(images) > MAX_IMAGES:
                return (
                    f"Record/embed/images must not have more than {MAX_IMAGES} elements"
                )
            for number, image in enumerate(images):
                if not isinstance(image.get("alt"), str):
                    return f'Record/embed/images/{number} must have the property "alt"'
                link = ((image.get("image") or {}).get("ref") or {}).get("$link")
                blob = self.blobs.get(link or "")
                if blob is None:
                    return f"Could not find blob: {link}"
                if len(blob.content) > MAX_IMAGE_BYTES:
                    return "BlobTooLarge"
        return None

    def _delete_record(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json() or {}
        self.records.pop((body.get("collection"), body.get("rkey")), None)
        # Deleting a record that is not there succeeds, as on a real PDS.
        return self._answer(
            {"commit": {"cid": cid_for(b"d"), "rev": _new_tid(self.clock())}}
        )

    def _get_record(self, request: EmulatorRequest) -> EmulatorResponse:
        record = self.records.get(
            (request.query.get("collection"), request.query.get("rkey"))
        )
        if record is None:
            return self._error(
                "RecordNotFound",
                f"Could not locate record: at://{self.did}/"
                f"{request.query.get('collection')}/{request.query.get('rkey')}",
            )
        return self._answer(
            {"uri": self._uri(record), "cid": record.cid, "value": record.value}
        )

    def _list_records(self, request: EmulatorRequest) -> EmulatorResponse:
        collection = request.query.get("collection")
        try:
            limit = min(100, max(1, int(request.query.get("limit", "50"))))
        except ValueError:
            return self._error("InvalidRequest", "limit must be an integer")
        records = sorted(
            (r for r in self.records.values() if r.collection == collection),
            key=lambda r: r.rkey,
            reverse=True,
        )
        cursor = request.query.get("cursor")
        if cursor:
            records = [r for r in records if r.rkey < cursor]
        chosen = records[:limit]
        answer: dict[str, Any] = {
            "records": [
                {"uri": self._uri(r), "cid": r.cid, "value": r.value} for r in chosen
            ]
        }
        if len(records) > limit:
            answer["cursor"] = chosen[-1].rkey
        return self._answer(answer)

    def _notifications(self, request: EmulatorRequest) -> EmulatorResponse:
        try:
            limit = min(100, max(1, int(request.query.get("limit", "50"))))
            start = int(request.query.get("cursor") or 0)
        except ValueError:
            return self._error("InvalidRequest", "limit and cursor must be integers")
        reasons = {
            value
            for name, value in parse_qsl(request.raw_query)
            if name == "reasons" and value in _INBOX_REASONS
        } or set(_INBOX_REASONS)
        newest_first = [
            n for n in reversed(self.notifications) if n["reason"] in reasons
        ]
        chosen = newest_first[start : start + limit]
        answer: dict[str, Any] = {"notifications": chosen}
        if start + limit < len(newest_first):
            answer["cursor"] = str(start + limit)
        return self._answer(answer)

    def _get_posts(self, request: EmulatorRequest) -> EmulatorResponse:
        uris = [v for name, v in parse_qsl(request.raw_query) if name == "uris"]
        if not uris or len(uris) > 25:
            return self._error("InvalidRequest", "Give between 1 and 25 uris")
        found = []
        for uri in uris:
            if uri in self.others_posts:
                found.append(self.others_posts[uri])
                continue
            record = self.records.get((_POST, uri.rsplit("/", 1)[-1]))
            if record is not None and self._uri(record) == uri:
                found.append(
                    {
                        "uri": uri,
                        "cid": record.cid,
                        "author": {"did": self.did, "handle": self.bsky_handle},
                        "record": record.value,
                        "indexedAt": record.indexed_at,
                    }
                )
        return self._answer({"posts": found})

    def _search_posts(self, request: EmulatorRequest) -> EmulatorResponse:
        """Posts holding every word of ``q`` (any case), since ``since``, newest first.

        Searches the school's own posts too, as Bluesky does.
        """
        words = (request.query.get("q") or "").casefold().split()
        if not words:
            return self._error("InvalidRequest", 'Params must have the property "q"')
        try:
            limit = min(100, max(1, int(request.query.get("limit", "25"))))
        except ValueError:
            return self._error("InvalidRequest", "limit must be an integer")
        since = request.query.get("since", "")
        own = [
            {
                "uri": self._uri(r),
                "cid": r.cid,
                "author": {"did": self.did, "handle": self.bsky_handle},
                "record": r.value,
                "indexedAt": r.indexed_at,
            }
            for r in self.posts()
        ]
        found = [
            post
            for post in own + list(self.others_posts.values())
            if all(word in post["record"]["text"].casefold() for word in words)
            and _instant(post["record"]["createdAt"]) >= _instant(since)
        ]
        found.sort(key=lambda post: _instant(post["record"]["createdAt"]), reverse=True)
        return self._answer({"posts": found[:limit], "hitsTotal": len(found)})


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _bearer(request: EmulatorRequest) -> str | None:
    authorization = request.headers.get("authorization", "")
    return authorization.removeprefix("Bearer ") if authorization else None


def _facet_problem(facet: Any, encoded: bytes, *, dids: dict[str, str]) -> str | None:
    """A facet must cover whole characters of the text, a link its own link, and a
    mention the "@handle" of the account it names."""
    index = facet.get("index") if isinstance(facet, dict) else None
    if not isinstance(index, dict):
        return "Record/facets must have an index"
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not (isinstance(start, int) and isinstance(end, int)):
        return "Record/facets/index must have integer byteStart and byteEnd"
    if not 0 <= start < end <= len(encoded):
        return (
            f"Facet byte range {start}-{end} lies outside the text's "
            f"{len(encoded)} bytes"
        )
    try:
        covered = encoded[start:end].decode()
    except UnicodeDecodeError:
        return f"Facet byte range {start}-{end} splits a character"
    for feature in facet.get("features") or []:
        if feature.get("$type") == "app.bsky.richtext.facet#mention":
            did = str(feature.get("did", ""))
            if not did.startswith("did:"):
                return f"Mention facet {start}-{end} has no valid did ({did!r})"
            if not covered.startswith("@") or dids.get(covered[1:].lower()) != did:
                return (
                    f"Mention facet byte range {start}-{end} covers {covered!r}, "
                    f"not the @handle of {did}"
                )
        if feature.get("$type") == "app.bsky.richtext.facet#link":
            uri = str(feature.get("uri", ""))
            if covered not in (uri, uri.split("://", 1)[-1]):
                return (
                    f"Facet byte range {start}-{end} covers {covered!r}, not its "
                    f"link {uri!r}"
                )
    return None


_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def _new_tid(now: float) -> str:
    value = (int(now * 1_000_000) << 10) | secrets.randbelow(1024)
    return "".join(_TID_ALPHABET[(value >> (60 - 5 * i)) & 31] for i in range(13))
