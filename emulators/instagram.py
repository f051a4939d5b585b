"""An emulator of the Instagram Graph API (Facebook Login) for one professional account.

It is the Facebook emulator (the same Graph host, app, Login dialog, tokens, error
shape and usage headers) with the school's Page linked to an Instagram professional
account (`instagram_business_account` in /me/accounts) and Instagram's publishing
endpoints:

- `POST /{ig-user-id}/media` makes a container (`image_url`, `caption`, `alt_text`;
  `is_carousel_item`; `media_type=CAROUSEL` with 2-10 `children`, each a carousel
  item of this account used in no other carousel; a child not yet FINISHED puts
  the carousel in ERROR, and publishing checks every child again). Like Instagram it
  fetches `image_url` itself, over HTTP; a picture it cannot fetch, that is not a
  JPEG, or whose aspect ratio is outside 4:5..1.91:1, puts the container in ERROR.
- `GET /{container-id}?fields=status_code,status`: IN_PROGRESS, FINISHED, ERROR,
  EXPIRED or PUBLISHED.
- `POST /{ig-user-id}/media_publish` (`creation_id`), within the 50 posts a rolling
  24 hours that `GET /{ig-user-id}/content_publishing_limit` reports.
- `GET /{ig-user-id}/media`, `GET /{ig-media-id}`, `DELETE /{ig-media-id}`.

Comments (the social inbox): `GET /{ig-media-id}/comments` (top-level comments,
each with its `replies`), `GET /{ig-comment-id}/replies`, a reply by the account with
`POST /{ig-comment-id}/replies`, hiding with `POST /{ig-comment-id}?hide=true|false`,
`DELETE /{ig-comment-id}`, and a private reply to the commenter with
`POST /{ig-user-id}/messages` (`recipient={"comment_id": ...}`). A test (or the demo,
through `POST /__emulator__/comment`) adds a comment with `add_comment()`; the
commenter deletes one with `delete_comment_by_hand()`. Instagram's API cannot block.

Captions are checked as Instagram does: at most 2,200 characters and 30 hashtags.
Switches for tests: `container_outcome` (what the next containers become),
`deletion_supported`, `published_today`.
"""

from __future__ import annotations

import html
import re
import secrets
import struct
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from .facebook import (
    DEMO_FACEBOOK_PAGE,
    FacebookComment,
    FacebookEmulator,
    _graph_time,
)
from .server import EmulatorRequest, EmulatorResponse, Failure, page

DEMO_INSTAGRAM_ACCOUNT = {
    "ig_user_id": "17841400000000003",
    "page_access_token": DEMO_FACEBOOK_PAGE["page_access_token"],
}
MAX_CAPTION = 2200
MAX_HASHTAGS = 30
PUBLISHING_LIMIT = 50
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_VERSION = re.compile(r"^/(v\d+\.\d+)(/.*)$")


@dataclass
class _Container:
    id: str
    caption: str
    image_url: str
    alt_text: str
    is_carousel_item: bool
    children: list[str]
    status_code: str = "IN_PROGRESS"
    status: str = ""
    polls_left: int = 0
    content: bytes = field(default=b"", repr=False)
    media_id: str = ""


@dataclass
class InstagramMedia:
    id: str
    shortcode: str
    caption: str
    timestamp: str
    images: list[dict[str, str]]


class InstagramEmulator(FacebookEmulator):
    """The Graph API of a Page and its linked Instagram professional account."""

    title: ClassVar[str] = "Instagram"

    def __init__(
        self,
        *,
        ig_user_id: str = DEMO_INSTAGRAM_ACCOUNT["ig_user_id"],
        username: str = "ourschool",
        fetch_timeout: float = 5.0,
        **kwargs: Any,
    ) -> None:
        self.ig_user_id = ig_user_id
        self.username = username
        self.fetch_timeout = fetch_timeout
        super().__init__(**kwargs)

    @property
    def credentials(self) -> dict[str, str]:
        return {
            "ig_user_id": self.ig_user_id,
            "page_access_token": self.page_access_token,
        }

    def clear_state(self) -> None:
        super().clear_state()
        self.containers: dict[str, _Container] = {}
        self.media: dict[str, InstagramMedia] = {}
        self.publish_times: list[datetime] = []
        self.container_outcome = "FINISHED"  # or ERROR, EXPIRED, IN_PROGRESS (stuck)
        self.polls_before_finished = 0
        self.deletion_supported = True
        self.publish_calls = 0
        self.publishing_limit = PUBLISHING_LIMIT
        self.ig_comments: dict[str, FacebookComment] = {}

    def published_today(self, count: int) -> None:
        """Pretend `count` posts were published in the last 24 hours (the limit)."""
        with self.lock:
            now = datetime.now(UTC)
            self.publish_times = [now] * count

    def snapshot(self) -> dict[str, Any]:
        media = sorted(self.media.values(), key=lambda m: int(m.id), reverse=True)
        return {
            "network": "instagram",
            "account": {"id": self.ig_user_id, "username": self.username},
            "media": [
                {
                    "id": m.id,
                    "caption": m.caption,
                    "permalink": self._permalink(m),
                    "images": m.images,
                }
                for m in media
            ],
            "quota_usage": self._quota_usage(),
            "comments": [asdict(comment) for comment in self.ig_comments.values()],
            "private_replies": list(self.private_replies),
        }

    # --- comments: what people do in the Instagram app -------------------------------
    def post_by_hand(self, caption: str) -> str:
        """The school posts in the Instagram app (no picture kept); its media id."""
        with self.lock:
            media = InstagramMedia(
                id=str(18000000000000000 + self.next_number()),
                shortcode=secrets.token_urlsafe(8).replace("-", "A").replace("_", "B"),
                caption=caption,
                timestamp=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
                images=[],
            )
            self.media[media.id] = media
            return media.id

    def add_comment(
        self,
        media_id: str,
        *,
        message: str,
        author_name: str = "a_parent",
        author_id: str | None = None,
        parent_id: str = "",
    ) -> str:
        """Someone comments on (or replies under) one of the account's posts."""
        with self.lock:
            if media_id not in self.media:
                raise KeyError(f"no media {media_id}")
            comment = FacebookComment(
                id=str(17850000000000000 + self.next_number()),
                post_id=media_id,
                from_id=author_id or str(17841000000000000 + self.next_number()),
                from_name=author_name,
                message=message,
                created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
                parent_id=parent_id,
            )
            self.ig_comments[comment.id] = comment
            return comment.id

    def delete_comment_by_hand(self, comment_id: str) -> None:
        """The commenter deletes their comment in the app (no API call)."""
        with self.lock:
            self.ig_comments.pop(comment_id, None)
            for reply in list(self.ig_comments.values()):
                if reply.parent_id == comment_id:
                    del self.ig_comments[reply.id]

    def extra_control(
        self, action: str, request: EmulatorRequest
    ) -> EmulatorResponse | None:
        """`POST /__emulator__/comment` with JSON {media_id, message, author_name};
        `POST /__emulator__/post` with JSON {caption}: a post made in the app."""
        if action not in ("comment", "post") or request.method != "POST":
            return None
        body = request.json()
        if action == "post":
            caption = body.get("caption") if isinstance(body, dict) else None
            return EmulatorResponse.json({"id": self.post_by_hand(str(caption or ""))})
        with self.lock:
            known = isinstance(body, dict) and body.get("media_id") in self.media
        if not known:
            return EmulatorResponse.json({"error": "give the media_id of a post"}, 400)
        comment_id = self.add_comment(
            body["media_id"],
            message=str(body.get("message") or ""),
            author_name=str(body.get("author_name") or "a_parent"),
        )
        return EmulatorResponse.json({"id": comment_id})

    def failure_response(self, failure: Failure, request: EmulatorRequest):
        if failure.kind == "moderation_refused":
            # A token that lost the comment-moderation permission.
            return self._error(
                "(#200) Requires instagram_manage_comments permission to manage the "
                "object",
                "OAuthException",
                200,
                status=403,
            )
        return super().failure_response(failure, request)

    def page_extra_fields(self) -> dict[str, Any]:
        return {
            "instagram_business_account": {
                "id": self.ig_user_id,
                "username": self.username,
            }
        }

    # --- pages for people ------------------------------------------------------------
    def timeline_html(self) -> str:
        items = "".join(self._article(m) for m in self.snapshot()["media"])
        return page(
            f"@{self.username} on Instagram (emulator)",
            f"<h1>@{html.escape(self.username)}</h1>"
            "<p class='meta'>Instagram emulator: the school's professional account."
            "</p>" + (items or "<p>No posts yet.</p>"),
        )

    def _article(self, media: dict[str, Any]) -> str:
        images = "".join(
            f"<img src='/ig-media/{html.escape(image['container'])}' "
            f"alt='{html.escape(image['alt_text'])}'>"
            for image in media["images"]
        )
        return (
            f"<article id='media-{media['id']}'>{images}"
            f"<p>{html.escape(media['caption'])}</p><p class='meta'>"
            f"<a href='{html.escape(media['permalink'])}'>post {media['id']}</a>"
            "</p></article>"
        )

    def serve_file(self, request: EmulatorRequest) -> EmulatorResponse | None:
        if request.method == "GET" and request.path.startswith("/ig-media/"):
            with self.lock:
                container = self.containers.get(request.path.removeprefix("/ig-media/"))
            if container is None or not container.content:
                return EmulatorResponse.html("<p>No such image.</p>", 404)
            return EmulatorResponse(200, container.content, "image/jpeg")
        if request.method == "GET" and request.path.startswith("/p/"):
            shortcode = request.path.removeprefix("/p/").strip("/")
            with self.lock:
                found = [
                    m
                    for m in self.snapshot()["media"]
                    if m["permalink"].endswith(f"/p/{shortcode}/")
                ]
            if not found:
                return EmulatorResponse.html(
                    page("Not found", "<p>Sorry, this page isn't available.</p>"), 404
                )
            return EmulatorResponse.html(page(self.username, self._article(found[0])))
        return super().serve_file(request)

    # --- the Graph API ---------------------------------------------------------------
    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        match = _VERSION.match(request.path)
        path = match.group(2) if match else request.path
        object_id = path.strip("/").split("/", 1)[0]
        if (
            object_id != self.ig_user_id
            and object_id not in self.containers
            and (object_id not in self.media)
            and object_id not in self.ig_comments
        ):
            return super().route(request)
        self.calls += 1
        if match:
            self.api_versions.add(match.group(1))
        if self._token(request) != self.page_access_token:
            return self._invalid_token(self._token(request))
        method = request.method
        ig = f"/{self.ig_user_id}"
        if path == f"{ig}/media" and method == "POST":
            return self._create_container(request)
        if path == f"{ig}/media" and method == "GET":
            return self._list_media(request)
        if path == f"{ig}/media_publish" and method == "POST":
            return self._publish(request)
        if path == f"{ig}/content_publishing_limit" and method == "GET":
            return self._answer(
                {
                    "data": [
                        {
                            "quota_usage": self._quota_usage(),
                            "config": {
                                "quota_total": self.publishing_limit,
                                "quota_duration": 86400,
                            },
                        }
                    ]
                }
            )
        if path == f"{ig}/messages" and method == "POST":
            return self.private_reply(request, self.ig_comments)
        if object_id in self.ig_comments:
            return self._ig_comment(self.ig_comments[object_id], path, request)
        if path == f"/{object_id}/comments" and object_id in self.media:
            return self._media_comments(object_id, request)
        if path == ig and method == "GET":
            return self._answer({"id": self.ig_user_id, "username": self.username})
        if object_id in self.containers and method == "GET":
            return self._container_status(self.containers[object_id])
        if object_id in self.media and method == "GET":
            return self._answer(self._media_fields(self.media[object_id]))
        if object_id in self.media and method == "DELETE":
            if not self.deletion_supported:
                return self._error(
                    "(#3) Application does not have the capability to make this API "
                    "call.",
                    "OAuthException",
                    3,
                )
            del self.media[object_id]
            return self._answer({"success": True})
        return self._error(
            f"Unsupported {method.lower()} request.", "GraphMethodException", 100
        )

    def _quota_usage(self) -> int:
        cutoff = datetime.now(UTC) - timedelta(days=1)
        return sum(1 for at in self.publish_times if at > cutoff)

    def _create_container(self, request: EmulatorRequest) -> EmulatorResponse:
        caption = request.param("caption") or ""
        if len(caption) > MAX_CAPTION:
            return self._error(
                f"(#100) The caption is longer than {MAX_CAPTION} characters.",
                "OAuthException",
                100,
                subcode=2207010,
            )
        if len(_HASHTAG.findall(caption)) > MAX_HASHTAGS:
            return self._error(
                f"(#100) The caption has more than {MAX_HASHTAGS} hashtags.",
                "OAuthException",
                100,
                subcode=2207010,
            )
        container = _Container(
            id=str(17900000000000000 + self.next_number()),
            caption=caption,
            image_url=request.param("image_url") or "",
            alt_text=request.param("alt_text") or "",
            is_carousel_item=request.param("is_carousel_item") == "true",
            children=[c for c in (request.param("children") or "").split(",") if c],
        )
        if request.param("media_type") == "CAROUSEL":
            if not 2 <= len(container.children) <= 10:
                return self._error(
                    "(#100) A carousel has between 2 and 10 items.",
                    "OAuthException",
                    100,
                    subcode=2207025,
                )
            used = {c for other in self.containers.values() for c in other.children}
            for child in container.children:
                item = self.containers.get(child)
                if item is None or not item.is_carousel_item:
                    return self._error(
                        f"(#100) Child {child} is not a carousel item.",
                        "OAuthException",
                        100,
                    )
                if child in used or container.children.count(child) > 1:
                    # A container is used once, in one carousel, in one place.
                    return self._error(
                        f"(#100) Child {child} is already used in a carousel.",
                        "OAuthException",
                        100,
                        subcode=2207028,
                    )
                if item.status_code != "FINISHED":
                    container.status_code = "ERROR"
                    container.status = f"Error: child {child} is {item.status_code}."
        elif not container.image_url:
            return self._error(
                "(#100) The parameter image_url is required.", "OAuthException", 100
            )
        else:
            self._fetch(container)
        if container.status_code == "IN_PROGRESS":
            outcome = self.container_outcome
            if outcome == "ERROR":
                container.status_code, container.status = (
                    "ERROR",
                    ("Error: An unknown error occurred while processing the media."),
                )
            elif outcome == "EXPIRED":
                container.status_code = "EXPIRED"
                container.status = (
                    "Error: The container was not published within 24 hours."
                )
            elif outcome == "IN_PROGRESS":
                container.polls_left = 10**9
            else:
                container.polls_left = self.polls_before_finished
        self.containers[container.id] = container
        return self._answer({"id": container.id})

    def _fetch(self, container: _Container) -> None:
        """Fetch the picture as Instagram does: over HTTP, from the public address."""
        try:
            with urllib.request.urlopen(  # noqa: S310 (the caller's URL, http(s) only)
                _http_only(container.image_url), timeout=self.fetch_timeout
            ) as answer:
                content = answer.read()
        except (urllib.error.URLError, OSError, ValueError):
            container.status_code = "ERROR"
            container.status = (
                "Error: Media download has failed. The media URI doesn't meet our "
                "requirements. (2207052)"
            )
            return
        size = _jpeg_size(content)
        if size is None:
            container.status_code = "ERROR"
            container.status = "Error: Only JPEG images are supported. (2207026)"
            return
        width, height = size
        if not MIN_RATIO - 0.005 <= width / height <= MAX_RATIO + 0.005:
            container.status_code = "ERROR"
            container.status = (
                f"Error: The aspect ratio {width}x{height} is not supported; it must "
                "be between 4:5 and 1.91:1. (2207009)"
            )
            return
        container.content = content

    def _container_status(self, container: _Container) -> EmulatorResponse:
        if container.status_code == "IN_PROGRESS":
            if container.polls_left <= 0:
                container.status_code = "FINISHED"
            else:
                container.polls_left -= 1
        answer = {"id": container.id, "status_code": container.status_code}
        if container.status:
            answer["status"] = container.status
        return self._answer(answer)

    def _publish(self, request: EmulatorRequest) -> EmulatorResponse:
        self.publish_calls += 1
        container = self.containers.get(request.param("creation_id") or "")
        if container is None or container.is_carousel_item:
            return self._error(
                "(#100) Invalid parameter: creation_id", "OAuthException", 100
            )
        if self._quota_usage() >= self.publishing_limit:
            return self._error(
                "(#4) Application request limit reached: the account has reached "
                "the maximum number of posts in 24 hours.",
                "OAuthException",
                4,
                subcode=2207042,
            )
        if container.status_code == "PUBLISHED":
            return self._error(
                "(#9007) The media has already been published.",
                "OAuthException",
                9007,
                subcode=2207006,
            )
        if container.status_code != "FINISHED":
            return self._error(
                "(#9007) Media ID is not available: the media is not ready for "
                "publishing, please wait a moment.",
                "OAuthException",
                9007,
                subcode=2207027,
            )
        items = (
            [self.containers[c] for c in container.children]
            if container.children
            else [container]
        )
        unfinished = [
            i.id for i in items if i is not container and i.status_code != "FINISHED"
        ]
        if unfinished:
            return self._error(
                f"(#9007) Carousel item {unfinished[0]} is not ready for publishing.",
                "OAuthException",
                9007,
                subcode=2207027,
            )
        media = InstagramMedia(
            id=str(18000000000000000 + self.next_number()),
            shortcode=secrets.token_urlsafe(8).replace("-", "A").replace("_", "B"),
            caption=container.caption,
            timestamp=datetime.now(UTC).isoformat(),
            images=[{"container": i.id, "alt_text": i.alt_text} for i in items],
        )
        container.status_code = "PUBLISHED"
        container.media_id = media.id
        self.media[media.id] = media
        self.publish_times.append(datetime.now(UTC))
        return self._answer({"id": media.id})

    def _permalink(self, media: InstagramMedia) -> str:
        return f"{self.base_url}/p/{media.shortcode}/"

    def _media_fields(self, media: InstagramMedia) -> dict[str, Any]:
        return {
            "id": media.id,
            "caption": media.caption,
            "permalink": self._permalink(media),
            "timestamp": _graph_time(media.timestamp),
            "media_type": "CAROUSEL_ALBUM" if len(media.images) > 1 else "IMAGE",
        }

    def _list_media(self, request: EmulatorRequest) -> EmulatorResponse:
        items = [
            (m.id, m.timestamp, m)
            for m in sorted(self.media.values(), key=lambda m: int(m.id), reverse=True)
        ]

        def render(media: InstagramMedia, fields: set[str]) -> dict[str, Any]:
            values = self._media_fields(media)
            return {k: v for k, v in values.items() if k in fields or k == "id"}

        return self._edge_page(request, items, default_fields="id", render=render)

    def _comment_page(self, request: EmulatorRequest, comments) -> EmulatorResponse:
        return self._edge_page(
            request,
            [(c.id, c.created_at, c) for c in comments],
            default_fields="id,text,timestamp",
            render=lambda comment, _fields: self._ig_comment_fields(comment),
        )

    def _ig_comment_fields(
        self, comment: FacebookComment, *, with_replies: bool = True
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": comment.id,
            "text": comment.message,
            "timestamp": _graph_time(comment.created_at),
            "username": comment.from_name,
            "from": {"id": comment.from_id, "username": comment.from_name},
            "hidden": comment.is_hidden,
            "media": {"id": comment.post_id},
        }
        if comment.parent_id:
            values["parent_id"] = comment.parent_id
        if with_replies:
            replies = [
                self._ig_comment_fields(reply, with_replies=False)
                for reply in self.ig_comments.values()
                if reply.parent_id == comment.id
            ]
            if replies:
                values["replies"] = {"data": replies}
        return values

    def _media_comments(
        self, media_id: str, request: EmulatorRequest
    ) -> EmulatorResponse:
        if request.method == "POST":
            return self._account_comment(media_id, "", request)
        if request.method != "GET":
            return self._error("(#100) Unsupported method", "OAuthException", 100)
        top = [
            c
            for c in self.ig_comments.values()
            if c.post_id == media_id and not c.parent_id
        ]
        return self._comment_page(request, top)

    def _account_comment(
        self, media_id: str, parent_id: str, request: EmulatorRequest
    ) -> EmulatorResponse:
        message = request.param("message") or ""
        if not message:
            return self._error(
                "(#100) The parameter message is required", "OAuthException", 100
            )
        reply = FacebookComment(
            id=str(17850000000000000 + self.next_number()),
            post_id=media_id,
            from_id=self.ig_user_id,
            from_name=self.username,
            message=message,
            created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
            parent_id=parent_id,
            by_page=True,
        )
        self.ig_comments[reply.id] = reply
        return self._answer({"id": reply.id})

    def _ig_comment(
        self, comment: FacebookComment, path: str, request: EmulatorRequest
    ) -> EmulatorResponse:
        method = request.method
        if path == f"/{comment.id}/replies":
            if method == "POST":
                return self._account_comment(comment.post_id, comment.id, request)
            replies = [
                c for c in self.ig_comments.values() if c.parent_id == comment.id
            ]
            return self._comment_page(request, replies)
        if path != f"/{comment.id}":
            return self._error(
                f"Unsupported {method.lower()} request.", "GraphMethodException", 100
            )
        if method == "DELETE":
            del self.ig_comments[comment.id]
            return self._answer({"success": True})
        if method == "POST":
            hide = request.param("hide")
            if hide not in ("true", "false"):
                return self._error(
                    "(#100) Param hide must be a boolean", "OAuthException", 100
                )
            if comment.by_page:
                return self._error(
                    "(#100) The account cannot hide its own comment",
                    "OAuthException",
                    100,
                )
            comment.is_hidden = hide == "true"
            return self._answer({"success": True})
        return self._answer(self._ig_comment_fields(comment))


def _http_only(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError("not an http(s) URL")
    return url


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """A JPEG's width and height from its SOF marker, or None if it is not a JPEG."""
    if not content.startswith(b"\xff\xd8"):
        return None
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        length = struct.unpack(">H", content[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None
