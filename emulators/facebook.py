"""An emulator of the Facebook Graph API for one Page, and of Facebook Login.

Comments on the Page's posts (the social inbox): `GET /{post-id}/comments`, replies
with `POST /{comment-id}/comments`, hiding with `POST /{comment-id}?is_hidden=true`,
`DELETE /{comment-id}`, blocking with `POST /{page-id}/blocked`, and a private
reply to a comment's author with `POST /{page-id}/messages` (`recipient=
{"comment_id": ...}`, one per comment, as Messenger allows). A test (or `make
run`) adds a comment as a member of the public with `add_comment()`; when
`webhook_url` is set, the emulator delivers the `feed` change there signed as Meta
signs it (`X-Hub-Signature-256: sha256=` HMAC-SHA256 of the body with the app secret).

API calls need the Page's access token (`Authorization: Bearer`, or the
`access_token` parameter as facebook-sdk sends it); answers and errors use the Graph
shapes (`{"id": "pageid_postid"}`, `{"success": true}`, `{"error": {"message",
"type", "code", "error_subcode", "fbtrace_id"}}`) with X-App-Usage and
X-Business-Use-Case-Usage headers. The Login dialog approves the demo user at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import math
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

DEMO_FACEBOOK_APP = {
    "app_id": "100000000000001",
    "app_secret": "demo-facebook-app-secret",
}
DEMO_FACEBOOK_PAGE = {
    "page_id": "200000000000002",
    "page_access_token": "EAAdemoPageToken0000000000000002",
}
_VERSION = re.compile(r"^/(v\d+\.\d+)(/.*)$")


@dataclass
class FacebookPost:
    id: str
    text: str
    link: str | None
    media: list[dict[str, Any]]
    created_at: str
    pinned: bool = False


@dataclass
class FacebookComment:
    id: str
    post_id: str
    from_id: str
    from_name: str
    message: str
    created_at: str
    parent_id: str = ""
    is_hidden: bool = False
    by_page: bool = False


@dataclass
class _Photo:
    id: str
    filename: str
    mime_type: str
    content: bytes = field(repr=False)
    caption: str = ""
    post_id: str = ""
    created_at: str = ""


class FacebookEmulator(Emulator):
    """The Graph API of one Page on a loopback port. Thread-safe under `lock`."""

    title: ClassVar[str] = "Facebook"

    def __init__(
        self,
        *,
        app_id: str = DEMO_FACEBOOK_APP["app_id"],
        app_secret: str = DEMO_FACEBOOK_APP["app_secret"],
        page_id: str = DEMO_FACEBOOK_PAGE["page_id"],
        page_access_token: str = DEMO_FACEBOOK_PAGE["page_access_token"],
        page_name: str = "Our School",
        webhook_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.app_id = app_id
        self.app_secret = app_secret
        self.page_id = page_id
        self.page_access_token = page_access_token
        self.page_name = page_name
        self.webhook_url = webhook_url
        self.clear_state()

    @property
    def credentials(self) -> dict[str, str]:
        """Credentials that work against this emulator (the adapter's keys)."""
        return {"page_id": self.page_id, "page_access_token": self.page_access_token}

    @property
    def app_credentials(self) -> dict[str, str]:
        return {"app_id": self.app_id, "app_secret": self.app_secret}

    def clear_state(self) -> None:
        self.posts: dict[str, FacebookPost] = {}
        self.photos: dict[str, _Photo] = {}
        self.login_codes: dict[str, str] = {}  # code -> redirect_uri
        self.user_tokens: dict[str, str] = {}  # token -> "short-lived" | "long-lived"
        self.api_versions: set[str] = set()
        self.calls = 0
        self.comments: dict[str, FacebookComment] = {}
        self.blocked_users: set[str] = set()
        self.private_replies: list[dict[str, str]] = []
        self.webhook_deliveries: list[int] = []  # the HTTP status of each delivery
        self.revoked_tokens: set[str] = set()

    def snapshot(self) -> dict[str, Any]:
        posts = sorted(
            self.posts.values(),
            key=lambda post: (post.pinned, int(post.id.split("_")[1])),
            reverse=True,
        )
        return {
            "network": "facebook",
            "page": {"id": self.page_id, "name": self.page_name},
            "posts": [asdict(post) for post in posts],
            "comments": [asdict(comment) for comment in self.comments.values()],
            "blocked_users": sorted(self.blocked_users),
            "private_replies": list(self.private_replies),
            "api_versions": sorted(self.api_versions),
        }

    # --- pages for people ----------------------------------------------------------
    def timeline_html(self) -> str:
        articles = "".join(self._article(post) for post in self.snapshot()["posts"])
        return page(
            f"{self.page_name} on Facebook (emulator)",
            f"<h1>{html.escape(self.page_name)}</h1>"
            "<p class='meta'>Facebook emulator: the school's Page.</p>"
            + (articles or "<p>No posts yet.</p>"),
        )

    def _article(self, post: dict[str, Any]) -> str:
        pinned = "<p class='pinned'>📌 Pinned post</p>" if post["pinned"] else ""
        images = "".join(
            f"<img src='/media/{item['id']}' alt='{html.escape(item['alt_text'])}'>"
            for item in post["media"]
        )
        link = html.escape(post["link"] or "")
        link = f"<p><a href='{link}'>{link}</a></p>" if link else ""
        return (
            f"<article id='post-{post['id']}'>{pinned}<p>{html.escape(post['text'])}"
            f"</p>{link}{images}<p class='meta'>{html.escape(post['created_at'])} · "
            f"<a href='/{post['id']}'>post {post['id']}</a></p></article>"
        )

    def serve_file(self, request: EmulatorRequest) -> EmulatorResponse | None:
        if request.method != "GET":
            return None
        if request.path.endswith("/dialog/oauth"):
            with self.lock:
                return self._login_dialog(request)
        if request.path.startswith("/media/"):
            with self.lock:
                photo = self.photos.get(request.path.removeprefix("/media/"))
            if photo is None:
                return EmulatorResponse.html("<p>No such image.</p>", 404)
            return EmulatorResponse(200, photo.content, photo.mime_type)
        if _VERSION.match(request.path) is None and request.path.count("/") == 1:
            with self.lock:
                post = self.posts.get(request.path.lstrip("/"))
                if post is None:
                    return EmulatorResponse.html(
                        page("Not found", "<p>This content isn't available.</p>"), 404
                    )
                return EmulatorResponse.html(
                    page(self.page_name, self._article(asdict(post)))
                )
        return None

    # --- the Graph API -------------------------------------------------------------
    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        self.calls += 1
        path = request.path
        match = _VERSION.match(path)
        if match:
            self.api_versions.add(match.group(1))
            path = match.group(2)
        method = request.method
        if path == "/oauth/access_token" and method == "GET":
            return self._access_token(request)
        token = self._token(request)
        if path == "/me/accounts" and method == "GET":
            if token not in self.user_tokens:
                return self._invalid_token(token)
            return self._answer(
                {
                    "data": [
                        {
                            "access_token": self.page_access_token,
                            "category": "School",
                            "category_list": [{"id": "2601", "name": "School"}],
                            "name": self.page_name,
                            "id": self.page_id,
                            "tasks": [
                                "ANALYZE",
                                "ADVERTISE",
                                "MODERATE",
                                "CREATE_CONTENT",
                            ],
                            **self.page_extra_fields(),
                        }
                    ],
                    "paging": {"cursors": {"before": "QVFI", "after": "QVFI"}},
                }
            )
        if token != self.page_access_token:
            if token in self.user_tokens:
                return self._error(
                    "(#210) A page access token is required to request this resource.",
                    "OAuthException",
                    210,
                )
            return self._invalid_token(token)
        if path == f"/{self.page_id}/feed" and method == "POST":
            return self._create_feed_post(request)
        if path == f"/{self.page_id}/photos" and method == "POST":
            return self._create_photo_post(request)
        if path in (f"/{self.page_id}/posts", f"/{self.page_id}/feed") and (
            method == "GET"
        ):
            return self._list_posts(request)
        if path == f"/{self.page_id}/photos" and method == "GET":
            return self._list_photos(request)
        if path == f"/{self.page_id}/blocked" and method == "POST":
            return self._block(request)
        if path == f"/{self.page_id}/messages" and method == "POST":
            return self.private_reply(request, self.comments)
        if path.endswith("/comments") and path.count("/") == 2:
            return self._comments_edge(path.split("/")[1], request)
        object_id = path.lstrip("/")
        if object_id in self.comments:
            return self._comment(self.comments[object_id], request)
        if "/" not in object_id and method in ("GET", "POST", "DELETE"):
            post = self.posts.get(object_id)
            if post is None:
                return self._missing(object_id, method)
            if method == "DELETE":
                del self.posts[object_id]
                return self._answer({"success": True})
            if method == "POST":
                return self._update_post(post, request)
            fields = {
                "id": post.id,
                "message": post.text,
                "created_time": post.created_at,
                "is_pinned": post.pinned,
            }
            wanted = request.param("fields")
            if wanted:  # Graph answers the fields asked for, and always the id
                names = {"id", *wanted.split(",")}
                fields = {k: v for k, v in fields.items() if k in names}
            return self._answer(fields)
        return self._error(
            f"Unknown path components: {path}", "OAuthException", 2500, status=400
        )

    def page_extra_fields(self) -> dict[str, Any]:
        """More of the Page's fields in /me/accounts (the Instagram emulator's link)."""
        return {}

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if failure.kind in ("unauthorized", "expired_token"):
            return self._error(
                "Error validating access token: Session has expired on Friday, "
                "20-Nov-26 10:00:00 PST. The current time is Saturday, 21-Nov-26.",
                "OAuthException",
                190,
                subcode=463,
                status=failure.status or 400,
            )
        if failure.kind == "duplicate":
            return self._error("(#506) Duplicate status message", "OAuthException", 506)
        if failure.kind == "rate_limited":
            return self._error(
                "(#32) Page request limit reached",
                "OAuthException",
                32,
                status=failure.status or 400,
                regain_minutes=math.ceil(failure.retry_after / 60),
            )
        if failure.kind == "media_refused":
            return self._error("(#324) Requires upload file", "OAuthException", 324)
        if failure.kind == "moderation_refused":
            # A token that lost the Page's moderation task (pages_manage_engagement).
            return self._error(
                "(#200) Requires pages_manage_engagement permission to manage the "
                "object",
                "OAuthException",
                200,
                status=403,
            )
        if failure.kind == "pin_refused":
            # What Graph answers a token without pages_manage_posts on the Page.
            return self._error(
                "(#200) Requires pages_manage_posts permission to manage the object",
                "OAuthException",
                200,
                status=403,
            )
        return self._error(
            "An unexpected error has occurred. Please retry your request later.",
            "OAuthException",
            2,
            status=failure.status or 500,
            is_transient=True,
        )

    def _answer(
        self, data: Any, status: int = 200, regain_minutes: int = 0
    ) -> EmulatorResponse:
        percent = 100 if regain_minutes else min(99, self.calls)
        usage = {"call_count": percent, "total_cputime": 1, "total_time": 1}
        business_usage = {
            self.page_id: [
                usage
                | {"type": "pages", "estimated_time_to_regain_access": regain_minutes}
            ]
        }
        return EmulatorResponse.json(
            data,
            status,
            {
                "x-app-usage": json.dumps(usage),
                "x-business-use-case-usage": json.dumps(business_usage),
                "facebook-api-version": "v21.0",
            },
        )

    def _error(
        self,
        message: str,
        error_type: str,
        code: int,
        *,
        subcode: int | None = None,
        status: int = 400,
        regain_minutes: int = 0,
        is_transient: bool = False,
    ) -> EmulatorResponse:
        error: dict[str, Any] = {"message": message, "type": error_type, "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        if is_transient:
            error["is_transient"] = True
        error["fbtrace_id"] = secrets.token_urlsafe(8)
        return self._answer({"error": error}, status, regain_minutes)

    def _invalid_token(self, token: str | None) -> EmulatorResponse:
        if token in self.revoked_tokens:
            return self._error(
                "Error validating access token: The user has not authorized "
                f"application {self.app_id}.",
                "OAuthException",
                190,
                subcode=458,
            )
        return self._error(
            "Invalid OAuth access token - Cannot parse access token"
            if token
            else "An active access token must be used to query information about "
            "the current user.",
            "OAuthException",
            190,
        )

    def _missing(self, object_id: str, method: str) -> EmulatorResponse:
        verb = {"DELETE": "delete", "POST": "post"}.get(method, "get")
        return self._error(
            f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this "
            "operation.",
            "GraphMethodException",
            100,
            subcode=33,
        )

    @staticmethod
    def _token(request: EmulatorRequest) -> str | None:
        authorization = request.headers.get("authorization", "")
        for scheme in ("Bearer ", "OAuth "):
            if authorization.startswith(scheme):
                return authorization.removeprefix(scheme)
        return request.param("access_token")

    def _new_post(
        self, text: str, link: str | None, media: list[dict[str, Any]]
    ) -> FacebookPost:
        post = FacebookPost(
            id=f"{self.page_id}_{700_000_000_000 + self.next_number()}",
            text=text,
            link=link,
            media=media,
            created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
        )
        self.posts[post.id] = post
        return post

    def _create_feed_post(self, request: EmulatorRequest) -> EmulatorResponse:
        message = request.param("message") or ""
        link = request.param("link") or None
        if not message and not link:
            return self._error(
                "(#100) The parameter message or link is required",
                "OAuthException",
                100,
            )
        if message and any(post.text == message for post in self.posts.values()):
            return self._error("(#506) Duplicate status message", "OAuthException", 506)
        return self._answer({"id": self._new_post(message, link, []).id})

    def _create_photo_post(self, request: EmulatorRequest) -> EmulatorResponse:
        upload = request.files.get("source")
        if upload is None or not upload.content:
            return self._error("(#324) Requires upload file", "OAuthException", 324)
        if not upload.content_type.startswith("image/"):
            return self._error(
                "(#324) Missing or invalid image file", "OAuthException", 324
            )
        caption = request.param("caption") or request.param("message") or ""
        photo = _Photo(
            str(900_000_000_000 + self.next_number()),
            upload.filename,
            upload.content_type,
            upload.content,
            caption=caption,
        )
        self.photos[photo.id] = photo
        media = [
            {
                "id": photo.id,
                "filename": photo.filename,
                "mime_type": photo.mime_type,
                "alt_text": request.param("alt_text_custom") or "",
            }
        ]
        post = self._new_post(caption, None, media)
        photo.post_id, photo.created_at = post.id, post.created_at
        return self._answer({"id": photo.id, "post_id": post.id})

    # --- reading a Page's posts and photos ------------------------------------------
    def _list_posts(self, request: EmulatorRequest) -> EmulatorResponse:
        """`GET /{page-id}/posts` (or `/feed`): newest first, cursor-paged.

        `fields` picks from id, message, created_time, permalink_url, is_pinned
        (default id, message, created_time); `since` is a Unix time; `limit` at
        most 100 (default 25).
        """
        posts = sorted(
            self.posts.values(),
            key=lambda post: int(post.id.split("_")[1]),
            reverse=True,
        )
        return self._edge_page(
            request,
            [(post.id, post.created_at, post) for post in posts],
            default_fields="id,message,created_time",
            render=self._post_fields,
        )

    def _list_photos(self, request: EmulatorRequest) -> EmulatorResponse:
        """`GET /{page-id}/photos?type=uploaded`: the Page's photos, newest first.

        A photo's `name` is its caption and `page_story_id` the post showing it; a
        photo whose post was deleted is gone too.
        """
        if request.query.get("type") != "uploaded":
            return self._answer({"data": []})  # photos the Page is tagged in: none
        photos = sorted(
            (photo for photo in self.photos.values() if photo.post_id in self.posts),
            key=lambda photo: int(photo.id),
            reverse=True,
        )
        return self._edge_page(
            request,
            [(photo.id, photo.created_at, photo) for photo in photos],
            default_fields="id,created_time",
            render=self._photo_fields,
        )

    def _edge_page(self, request, items, *, default_fields, render):
        query = request.query
        try:
            limit = min(int(query.get("limit", "25")), 100)
            since = int(query["since"]) if "since" in query else None
        except ValueError:
            return self._error(
                "(#100) Invalid parameter", "OAuthException", 100, status=400
            )
        fields = set(filter(None, query.get("fields", default_fields).split(",")))
        if since is not None:
            items = [
                item
                for item in items
                if datetime.fromisoformat(item[1]).timestamp() >= since
            ]
        after = query.get("after")
        if after is not None:
            ids = [item[0] for item in items]
            try:
                last = base64.urlsafe_b64decode(after.encode()).decode()
            except ValueError:
                last = ""
            if last not in ids:
                return self._error(
                    "(#100) The after cursor is not valid", "OAuthException", 100
                )
            items = items[ids.index(last) + 1 :]
        shown, rest = items[: max(limit, 1)], items[max(limit, 1) :]
        answer: dict[str, Any] = {"data": [render(item[2], fields) for item in shown]}
        if shown:
            cursor = base64.urlsafe_b64encode(shown[-1][0].encode()).decode()
            before = base64.urlsafe_b64encode(shown[0][0].encode()).decode()
            answer["paging"] = {"cursors": {"before": before, "after": cursor}}
            if rest:
                next_query = {k: v for k, v in query.items() if k != "after"}
                next_query["after"] = cursor
                answer["paging"]["next"] = (
                    f"{request.url.split('?', 1)[0]}?{urlencode(next_query)}"
                )
        return self._answer(answer)

    def _post_fields(self, post: FacebookPost, fields: set[str]) -> dict[str, Any]:
        values = {
            "id": post.id,
            "message": post.text or None,
            "created_time": _graph_time(post.created_at),
            # Facebook's own page for the post; the emulator serves it at its root.
            "permalink_url": f"{self.base_url}/{post.id}",
            "is_pinned": post.pinned,
        }
        return {
            name: value
            for name, value in values.items()
            if name in fields and value is not None
        }

    def _photo_fields(self, photo: _Photo, fields: set[str]) -> dict[str, Any]:
        values = {
            "id": photo.id,
            "name": photo.caption or None,
            "created_time": _graph_time(photo.created_at),
            "page_story_id": photo.post_id,
        }
        return {
            name: value
            for name, value in values.items()
            if name in fields and value is not None
        }

    def _update_post(
        self, post: FacebookPost, request: EmulatorRequest
    ) -> EmulatorResponse:
        is_pinned = request.param("is_pinned")
        if is_pinned not in ("true", "false"):
            return self._error(
                "(#100) Param is_pinned must be a boolean", "OAuthException", 100
            )
        if is_pinned == "true":
            for other in self.posts.values():
                other.pinned = False  # a Page has one pinned post
        post.pinned = is_pinned == "true"
        return self._answer({"success": True})

    def revoke_app_access(self) -> None:
        """The Page admin removed the school's app in Facebook's settings: every
        token given so far stops working (190, subcode 458); logging in again gives
        a new Page token."""
        with self.lock:
            self.revoked_tokens.add(self.page_access_token)
            self.revoked_tokens.update(self.user_tokens)
            self.user_tokens.clear()
            self.page_access_token = "revoked-then-new-" + secrets.token_urlsafe(12)

    def unpin_by_hand(self, post_id: str) -> None:
        """A Page admin unpins the post in Facebook itself (no API call)."""
        with self.lock:
            self.posts[post_id].pinned = False

    def pinned_post_ids(self) -> list[str]:
        with self.lock:
            return [post.id for post in self.posts.values() if post.pinned]

    # --- comments (the social inbox) --------------------------------------------------
    def add_comment(
        self,
        post_id: str,
        *,
        message: str,
        author_name: str = "A parent",
        author_id: str | None = None,
        parent_id: str = "",
    ) -> str:
        """A member of the public comments on a Page post; delivers the webhook.

        Returns the new comment's id. The webhook (when `webhook_url` is set) is sent
        outside the lock, from the caller's thread, and its HTTP status recorded.
        """
        with self.lock:
            if post_id not in self.posts:
                raise KeyError(f"no post {post_id}")
            comment = FacebookComment(
                id=f"{post_id.split('_')[1]}_{500_000_000 + self.next_number()}",
                post_id=post_id,
                from_id=author_id or str(300_000_000_000 + self.next_number()),
                from_name=author_name,
                message=message,
                created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
                parent_id=parent_id,
            )
            self.comments[comment.id] = comment
            payload = self.webhook_payload(comment.id)
        if self.webhook_url:
            self.deliver_webhook(payload)
        return comment.id

    def extra_control(
        self, action: str, request: EmulatorRequest
    ) -> EmulatorResponse | None:
        """`POST /__emulator__/comment` with JSON {post_id, message, author_name}:
        a comment from another process (the demo), webhook delivered as usual."""
        if action != "comment" or request.method != "POST":
            return None
        body = request.json()
        with self.lock:
            known = isinstance(body, dict) and body.get("post_id") in self.posts
        if not known:
            return EmulatorResponse.json({"error": "give a post_id of a post"}, 400)
        comment_id = self.add_comment(
            body["post_id"],
            message=str(body.get("message") or ""),
            author_name=str(body.get("author_name") or "A parent"),
        )
        return EmulatorResponse.json({"id": comment_id})

    def delete_comment_by_hand(self, comment_id: str) -> None:
        """The commenter deletes their comment on Facebook (no API call)."""
        with self.lock:
            del self.comments[comment_id]

    def webhook_payload(self, comment_id: str, verb: str = "add") -> dict[str, Any]:
        """The `feed` change Meta sends for a comment, as a Page webhook body."""
        comment = self.comments[comment_id]
        created = int(datetime.fromisoformat(comment.created_at).timestamp())
        return {
            "object": "page",
            "entry": [
                {
                    "id": self.page_id,
                    "time": created,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {
                                    "id": comment.from_id,
                                    "name": comment.from_name,
                                },
                                "post_id": comment.post_id,
                                "comment_id": comment.id,
                                "parent_id": comment.parent_id or comment.post_id,
                                "created_time": created,
                                "item": "comment",
                                "verb": verb,
                                "message": comment.message,
                            },
                        }
                    ],
                }
            ],
        }

    def webhook_batch(self, comment_ids: list[str]) -> dict[str, Any]:
        """One delivery carrying many comments, as Meta batches a busy Page's
        changes: every change in one entry."""
        with self.lock:
            payloads = [self.webhook_payload(comment_id) for comment_id in comment_ids]
        entry = payloads[0]["entry"][0]
        entry["changes"] = [p["entry"][0]["changes"][0] for p in payloads]
        return payloads[0]

    def sign(self, body: bytes) -> str:
        """The X-Hub-Signature-256 header Meta sends with `body`."""
        digest = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    def deliver_webhook(self, payload: dict[str, Any]) -> int:
        """POST one signed webhook body to `webhook_url`; returns the HTTP status."""
        body = json.dumps(payload).encode()
        response = requests.post(
            self.webhook_url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": self.sign(body),
            },
            timeout=10,
        )
        self.webhook_deliveries.append(response.status_code)
        return response.status_code

    def _comments_edge(
        self, object_id: str, request: EmulatorRequest
    ) -> EmulatorResponse:
        """`GET /{post-or-comment-id}/comments` (oldest first), or the Page's reply."""
        if object_id not in self.posts and object_id not in self.comments:
            return self._missing(object_id, request.method)
        if request.method == "POST":
            message = request.param("message") or ""
            if not message:
                return self._error(
                    "(#100) The parameter message is required", "OAuthException", 100
                )
            parent = self.comments.get(object_id)
            reply = FacebookComment(
                id=f"{object_id.split('_')[-1]}_{500_000_000 + self.next_number()}",
                post_id=parent.post_id if parent else object_id,
                from_id=self.page_id,
                from_name=self.page_name,
                message=message,
                created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
                parent_id=object_id if parent else "",
                by_page=True,
            )
            self.comments[reply.id] = reply
            return self._answer({"id": reply.id})
        if request.method != "GET":
            return self._error("(#100) Unsupported method", "OAuthException", 100)
        if object_id in self.posts:
            # filter=stream: every comment and reply under the post, in time order.
            stream = request.query.get("filter") == "stream"
            items = [
                comment
                for comment in self.comments.values()
                if comment.post_id == object_id and (stream or not comment.parent_id)
            ]
        else:
            items = [c for c in self.comments.values() if c.parent_id == object_id]
        return self._edge_page(
            request,
            [(comment.id, comment.created_at, comment) for comment in items],
            default_fields="id,message,created_time",
            render=self._comment_fields,
        )

    def _comment_fields(
        self, comment: FacebookComment, fields: set[str]
    ) -> dict[str, Any]:
        values = {
            "id": comment.id,
            "message": comment.message,
            "created_time": _graph_time(comment.created_at),
            "from": {"id": comment.from_id, "name": comment.from_name},
            "is_hidden": comment.is_hidden,
            "permalink_url": f"{self.base_url}/{comment.post_id}?comment_id="
            f"{comment.id}",
            "parent": {"id": comment.parent_id} if comment.parent_id else None,
        }
        return {
            name: value
            for name, value in values.items()
            if name in fields and value is not None
        }

    def _comment(
        self, comment: FacebookComment, request: EmulatorRequest
    ) -> EmulatorResponse:
        if request.method == "DELETE":
            del self.comments[comment.id]
            return self._answer({"success": True})
        if request.method == "POST":
            is_hidden = request.param("is_hidden")
            if is_hidden not in ("true", "false"):
                return self._error(
                    "(#100) Param is_hidden must be a boolean", "OAuthException", 100
                )
            if comment.by_page:
                return self._error(
                    "(#100) A Page cannot hide its own comment", "OAuthException", 100
                )
            comment.is_hidden = is_hidden == "true"
            return self._answer({"success": True})
        wanted = request.param("fields") or "id,message,created_time"
        return self._answer(self._comment_fields(comment, {"id", *wanted.split(",")}))

    def _block(self, request: EmulatorRequest) -> EmulatorResponse:
        user = request.param("user") or ""
        if not user.isdigit():
            return self._error("(#100) Invalid user id", "OAuthException", 100)
        self.blocked_users.add(user)
        return self._answer({user: True})

    def private_reply(
        self, request: EmulatorRequest, comments: dict[str, FacebookComment]
    ) -> EmulatorResponse:
        """A private reply to a comment's author (Messenger or Instagram Direct).

        `recipient` is JSON naming the comment, `message` JSON with its text; a
        comment gets one private reply, as on the real networks.
        """
        try:
            comment_id = str(json.loads(request.param("recipient") or "")["comment_id"])
            text = str(json.loads(request.param("message") or "")["text"])
        except (ValueError, KeyError, TypeError):
            return self._error(
                "(#100) Param recipient must name a comment_id and message a text",
                "OAuthException",
                100,
            )
        comment = comments.get(comment_id)
        if comment is None:
            return self._missing(comment_id, "POST")
        if any(sent["comment_id"] == comment_id for sent in self.private_replies):
            return self._error(
                "(#10900) Activity already replied to", "OAuthException", 10900
            )
        message_id = f"m_{secrets.token_urlsafe(12)}"
        self.private_replies.append(
            {
                "id": message_id,
                "comment_id": comment_id,
                "to": comment.from_id,
                "text": text,
            }
        )
        return self._answer({"recipient_id": comment.from_id, "message_id": message_id})

    # --- Facebook Login --------------------------------------------------------------
    def _login_dialog(self, request: EmulatorRequest) -> EmulatorResponse:
        """The demo user approves at once: straight back with a code and the state."""
        redirect_uri = request.query.get("redirect_uri", "")
        if request.query.get("client_id") != self.app_id:
            return EmulatorResponse.html(
                page("Facebook", "<p>Invalid App ID.</p>"), 400
            )
        if not redirect_uri.startswith(("http://", "https://")):
            return EmulatorResponse.html(
                page("Facebook", "<p>URL blocked: redirect_uri is not valid.</p>"), 400
            )
        code = secrets.token_urlsafe(24)
        self.login_codes[code] = redirect_uri
        parts = urlsplit(redirect_uri)
        query = parse_qsl(parts.query) + [("code", code)]
        if "state" in request.query:
            query.append(("state", request.query["state"]))
        return EmulatorResponse.redirect(
            urlunsplit(parts._replace(query=urlencode(query)))
        )

    def _access_token(self, request: EmulatorRequest) -> EmulatorResponse:
        if (
            request.param("client_id") != self.app_id
            or request.param("client_secret") != self.app_secret
        ):
            return self._error("Error validating client secret.", "OAuthException", 1)
        if request.param("grant_type") == "fb_exchange_token":
            if self.user_tokens.get(request.param("fb_exchange_token") or "") is None:
                return self._invalid_token(request.param("fb_exchange_token"))
            return self._issue_user_token("long-lived", 60 * 24 * 3600)
        code = request.param("code") or ""
        redirect_uri = self.login_codes.pop(code, None)
        if redirect_uri is None:
            return self._error(
                "Invalid verification code format.",
                "OAuthException",
                100,
                subcode=36007,
            )
        if redirect_uri != request.param("redirect_uri"):
            return self._error(
                "Error validating verification code. Please make sure your "
                "redirect_uri is identical to the one you used in the OAuth dialog "
                "request",
                "OAuthException",
                100,
                subcode=36008,
            )
        return self._issue_user_token("short-lived", 2 * 3600)

    def _issue_user_token(self, kind: str, expires_in: int) -> EmulatorResponse:
        token = "EAAdemoUser" + secrets.token_urlsafe(24)
        self.user_tokens[token] = kind
        return self._answer(
            {"access_token": token, "token_type": "bearer", "expires_in": expires_in}
        )


def _graph_time(iso: str) -> str:
    """The Graph API's time format: 2026-11-27T09:30:00+0000."""
    return (
        datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    )
