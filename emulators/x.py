"""An emulator of the X API v2 (posts, media upload, users/me, a user's posts) and
OAuth 1.0a sign-in.

Every API request must carry a valid OAuth 1.0a HMAC-SHA1 signature made with the
configured consumer key/secret and a known access token/secret (checked with oauthlib);
anything else gets X's 401. Answers use X's shapes and rate-limit headers, and the same
text twice is refused as duplicate content, like the real one.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from oauthlib.oauth1.rfc5849 import signature, utils

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

DEMO_X_APP = {
    "consumer_key": "demo-x-consumer-key",
    "consumer_secret": "demo-x-app-secret",
}
DEMO_X_ACCOUNT = {
    "access_token": "1500000000000000001-demoaccesstoken",
    "access_token_secret": "demo-x-access-secret",
}
DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content."
RATE_LIMIT = 300
RATE_WINDOW_SECONDS = 15 * 60
_URL = re.compile(r"https?://\S+")
_USER_TWEETS = re.compile(r"^/2/users/(\d+)/tweets$")
_USER_MENTIONS = re.compile(r"^/2/users/(\d+)/mentions$")
_START_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$")


@dataclass
class XUser:
    id: str = "1500000000000000001"
    username: str = "OurSchool"
    name: str = "Our School"


@dataclass
class XPost:
    id: str
    text: str
    media: list[dict[str, Any]]
    created_at: str
    pinned: bool = False  # X's API cannot pin; kept for the same state shape
    in_reply_to: str = ""


@dataclass
class _Media:
    id: str
    media_key: str
    filename: str
    mime_type: str
    content: bytes = field(repr=False)
    alt_text: str = ""


def _problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "detail": detail,
        "type": "about:blank",
        "status": status,
    } | extra


class XEmulator(Emulator):
    """X's API on a loopback port. Thread-safe: every change happens under `lock`."""

    title: ClassVar[str] = "X"

    def __init__(
        self,
        *,
        consumer_key: str = DEMO_X_APP["consumer_key"],
        consumer_secret: str = DEMO_X_APP["consumer_secret"],
        access_token: str = DEMO_X_ACCOUNT["access_token"],
        access_token_secret: str = DEMO_X_ACCOUNT["access_token_secret"],
        user: XUser | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.access_token = access_token
        self.access_token_secret = access_token_secret
        self.user = user or XUser()
        self.clear_state()

    @property
    def credentials(self) -> dict[str, str]:
        """Credentials that work against this emulator (the adapter's keys)."""
        return {
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "access_token": self.access_token,
            "access_token_secret": self.access_token_secret,
        }

    @property
    def app_credentials(self) -> dict[str, str]:
        return {
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
        }

    def clear_state(self) -> None:
        self.posts: dict[str, XPost] = {}
        self.media: dict[str, _Media] = {}
        self.access_tokens = {self.access_token: self.access_token_secret}
        self.request_tokens: dict[str, dict[str, str]] = {}
        self.mentions: list[dict[str, str]] = []  # posts by others naming the school
        self.window_reset = int(self.clock()) + RATE_WINDOW_SECONDS
        self.remaining = RATE_LIMIT

    def snapshot(self) -> dict[str, Any]:
        posts = sorted(self.posts.values(), key=lambda post: int(post.id), reverse=True)
        return {
            "network": "x",
            "account": asdict(self.user),
            "posts": [asdict(post) for post in posts],
        }

    # --- pages for people ----------------------------------------------------------
    def timeline_html(self) -> str:
        articles = "".join(self._article(post) for post in self.snapshot()["posts"])
        name, username = html.escape(self.user.name), html.escape(self.user.username)
        return page(
            f"@{self.user.username} on X (emulator)",
            f"<h1>{name} <small>@{username}"
            "</small></h1><p class='meta'>X emulator: the posts this site sent.</p>"
            + (articles or "<p>No posts yet.</p>"),
        )

    def _article(self, post: dict[str, Any]) -> str:
        images = "".join(
            f"<img src='/media/{item['id']}' alt='{html.escape(item['alt_text'])}'>"
            for item in post["media"]
        )
        return (
            f"<article id='post-{post['id']}'><p>{html.escape(post['text'])}</p>"
            f"{images}<p class='meta'>{html.escape(post['created_at'])} · "
            f"<a href='/i/web/status/{post['id']}'>post {post['id']}</a></p></article>"
        )

    def serve_file(self, request: EmulatorRequest) -> EmulatorResponse | None:
        if request.method != "GET":
            return None
        if request.path.startswith("/media/"):
            with self.lock:
                media = self.media.get(request.path.removeprefix("/media/"))
            if media is None:
                return EmulatorResponse.html("<p>No such image.</p>", 404)
            return EmulatorResponse(200, media.content, media.mime_type)
        if request.path.startswith("/i/web/status/"):
            with self.lock:
                post = self.posts.get(request.path.removeprefix("/i/web/status/"))
                if post is None:
                    return EmulatorResponse.html(
                        page("Post not found", "<p>This post does not exist.</p>"), 404
                    )
                return EmulatorResponse.html(
                    page(f"Post {post.id}", self._article(asdict(post)))
                )
        return None

    # --- the API -------------------------------------------------------------------
    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        method, path = request.method, request.path
        if path == "/oauth/request_token" and method == "POST":
            return self._request_token(request)
        if path in ("/oauth/authorize", "/oauth/authenticate") and method == "GET":
            return self._authorize(request)
        if path == "/oauth/access_token" and method == "POST":
            return self._exchange_access_token(request)
        if not self._signed_by_account(request):
            return self._answer(_problem(401, "Unauthorized", "Unauthorized"), 401)
        if path == "/2/tweets" and method == "POST":
            return self._create_post(request)
        if path.startswith("/2/tweets/") and method == "DELETE":
            return self._delete_post(path.removeprefix("/2/tweets/"))
        if path == "/2/media/upload" and method == "POST":
            return self._upload_media(request)
        if path == "/2/media/metadata" and method == "POST":
            return self._describe_media(request)
        if path == "/2/users/me" and method == "GET":
            return self._answer({"data": asdict(self.user)})
        mentions = _USER_MENTIONS.match(path)
        if mentions and method == "GET":
            return self._mentions(request, mentions.group(1))
        timeline = _USER_TWEETS.match(path)
        if timeline and method == "GET":
            return self._user_posts(request, timeline.group(1))
        return self._answer(
            _problem(404, "Not Found Error", f"No route for {method} {path}."), 404
        )

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if failure.kind == "unauthorized":
            return self._answer(_problem(401, "Unauthorized", "Unauthorized"), 401)
        if failure.kind == "duplicate":
            return self._answer(_problem(403, "Forbidden", DUPLICATE_DETAIL), 403)
        if failure.kind == "rate_limited":
            self.remaining = 0
            self.window_reset = int(self.clock()) + failure.retry_after
            return self._answer(
                _problem(429, "Too Many Requests", "Too Many Requests"), 429
            )
        if failure.kind == "media_refused":
            return self._invalid("media type unrecognized.")
        status = failure.status or 500
        return self._answer(
            _problem(status, "Internal Server Error", "Something went wrong."), status
        )

    def _answer(self, data: Any, status: int = 200) -> EmulatorResponse:
        """A JSON answer with X's rate-limit headers (one shared window here)."""
        now = int(self.clock())
        if now >= self.window_reset:
            self.window_reset = now + RATE_WINDOW_SECONDS
            self.remaining = RATE_LIMIT
        self.remaining = max(0, self.remaining - 1) if status != 429 else 0
        return EmulatorResponse.json(
            data,
            status,
            {
                "x-rate-limit-limit": str(RATE_LIMIT),
                "x-rate-limit-remaining": str(self.remaining),
                "x-rate-limit-reset": str(self.window_reset),
            },
        )

    def _invalid(self, message: str) -> EmulatorResponse:
        return self._answer(
            {
                "errors": [{"message": message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
            400,
        )

    def _new_id(self) -> str:
        return str(1_860_000_000_000_000_000 + self.next_number())

    def _create_post(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return self._invalid("The `text` field is required.")
        text = body["text"]
        if any(post.text == text for post in self.posts.values()):
            return self._answer(_problem(403, "Forbidden", DUPLICATE_DETAIL), 403)
        if len(_URL.sub("x" * 23, text)) > 280:
            return self._invalid("Your Tweet text is too long.")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        unknown = [media_id for media_id in media_ids if media_id not in self.media]
        if unknown:
            return self._invalid(f"Your media IDs are invalid: {', '.join(unknown)}.")
        post = XPost(
            id=self._new_id(),
            text=text,
            media=[
                {
                    "id": media_id,
                    "filename": self.media[media_id].filename,
                    "mime_type": self.media[media_id].mime_type,
                    "alt_text": self.media[media_id].alt_text,
                }
                for media_id in media_ids
            ],
            created_at=datetime.fromtimestamp(self.clock(), UTC).isoformat(),
            in_reply_to=str(
                (body.get("reply") or {}).get("in_reply_to_tweet_id") or ""
            ),
        )
        self.posts[post.id] = post
        return self._answer(
            {
                "data": {
                    "id": post.id,
                    "text": text,
                    "edit_history_tweet_ids": [post.id],
                }
            },
            201,
        )

    def _delete_post(self, post_id: str) -> EmulatorResponse:
        if self.posts.pop(post_id, None) is None:
            return self._answer(
                {
                    "errors": [
                        {
                            "detail": f"Could not find tweet with id: [{post_id}].",
                            "title": "Not Found Error",
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ],
                    "title": "Not Found Error",
                    "detail": f"Could not find tweet with id: [{post_id}].",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
                404,
            )
        return self._answer({"data": {"deleted": True}})

    def add_mention(
        self,
        text: str,
        *,
        username: str = "aparent",
        name: str = "A parent",
        in_reply_to: str = "",
    ) -> str:
        """Someone else posts naming the school (a reply to `in_reply_to`, or not)."""
        with self.lock:
            mention = {
                "id": self._new_id(),
                "text": text,
                "author_id": str(1_600_000_000_000_000_000 + self.next_number()),
                "username": username,
                "name": name,
                "created_at": datetime.fromtimestamp(self.clock(), UTC).isoformat(),
                "in_reply_to": in_reply_to,
            }
            self.mentions.append(mention)
            return mention["id"]

    def _mentions(self, request: EmulatorRequest, user_id: str) -> EmulatorResponse:
        """`GET /2/users/:id/mentions`: newest first, `author_id` expansion to users."""
        if user_id != self.user.id:
            return self._answer(
                _problem(404, "Not Found Error", f"No user {user_id}."), 404
            )
        start_time = request.query.get("start_time")
        found = sorted(self.mentions, key=lambda m: int(m["id"]), reverse=True)
        if start_time is not None:
            since = datetime.fromisoformat(start_time.replace("Z", "+00:00"))
            found = [
                m for m in found if datetime.fromisoformat(m["created_at"]) >= since
            ]
        token = request.query.get("pagination_token")
        if token is not None:
            ids = [m["id"] for m in found]
            if token not in ids:
                return self._invalid(
                    "The `pagination_token` query parameter is invalid."
                )
            found = found[ids.index(token) :]
        try:
            max_results = int(request.query.get("max_results", "10"))
        except ValueError:
            max_results = 0
        if not 5 <= max_results <= 100:
            return self._invalid(
                "The `max_results` query parameter value is not between 5 and 100"
            )
        shown, rest = found[:max_results], found[max_results:]
        if not shown:
            return self._answer({"meta": {"result_count": 0}})
        meta: dict[str, Any] = {"result_count": len(shown)}
        if rest:
            meta["next_token"] = rest[0]["id"]
        data = [
            {
                "id": m["id"],
                "text": m["text"],
                "author_id": m["author_id"],
                "created_at": m["created_at"].replace("+00:00", "Z"),
                **(
                    {
                        "referenced_tweets": [
                            {"type": "replied_to", "id": m["in_reply_to"]}
                        ]
                    }
                    if m["in_reply_to"]
                    else {}
                ),
            }
            for m in shown
        ]
        users = [
            {"id": m["author_id"], "username": m["username"], "name": m["name"]}
            for m in shown
        ]
        return self._answer({"data": data, "includes": {"users": users}, "meta": meta})

    def _user_posts(self, request: EmulatorRequest, user_id: str) -> EmulatorResponse:
        """`GET /2/users/:id/tweets`: newest first, t.co links, `meta` with paging.

        As on X: `max_results` 5-100 (default 10), `start_time` in ISO 8601 UTC,
        `pagination_token` from the previous page's `meta.next_token`; `created_at`
        and `entities` only when asked for in `tweet.fields`; no `data` key when
        nothing matches.
        """
        if user_id != self.user.id:
            detail = f"Could not find user with id: [{user_id}]."
            return self._answer(
                {
                    "errors": [
                        {
                            "value": user_id,
                            "detail": detail,
                            "title": "Not Found Error",
                            "resource_type": "user",
                            "parameter": "id",
                            "resource_id": user_id,
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                }
            )
        query = request.query
        try:
            max_results = int(query.get("max_results", "10"))
        except ValueError:
            max_results = 0
        if not 5 <= max_results <= 100:
            return self._invalid(
                "The `max_results` query parameter value is not between 5 and 100"
            )
        start_time = query.get("start_time")
        if start_time is not None and not _START_TIME.match(start_time):
            return self._invalid(
                f"Invalid 'start_time':'{start_time}'. 'start_time' must be a "
                "timestamp in ISO 8601 format."
            )
        fields = set(filter(None, query.get("tweet.fields", "").split(",")))
        posts = sorted(self.posts.values(), key=lambda post: int(post.id), reverse=True)
        if start_time is not None:
            since = datetime.fromisoformat(start_time.replace("Z", "+00:00"))
            posts = [
                post
                for post in posts
                if datetime.fromisoformat(post.created_at) >= since
            ]
        token = query.get("pagination_token")
        if token is not None:
            ids = [post.id for post in posts]
            if token not in ids:
                return self._invalid(
                    "The `pagination_token` query parameter is invalid."
                )
            posts = posts[ids.index(token) :]
        page_posts, rest = posts[:max_results], posts[max_results:]
        if not page_posts:
            return self._answer({"meta": {"result_count": 0}})
        meta: dict[str, Any] = {
            "result_count": len(page_posts),
            "newest_id": page_posts[0].id,
            "oldest_id": page_posts[-1].id,
        }
        if rest:
            meta["next_token"] = rest[0].id
        return self._answer(
            {"data": [self._as_read(post, fields) for post in page_posts], "meta": meta}
        )

    def _as_read(self, post: XPost, fields: set[str]) -> dict[str, Any]:
        """A post as X returns it: every link in the text replaced by a t.co link."""
        text, urls, position = "", [], 0
        for number, match in enumerate(_URL.finditer(post.text)):
            short = f"https://t.co/{post.id[-6:]}{number:04d}"
            text += post.text[position : match.start()]
            urls.append(
                {
                    "start": len(text),
                    "end": len(text) + len(short),
                    "url": short,
                    "expanded_url": match.group(0),
                    "display_url": match.group(0).split("://", 1)[1][:24] + "…",
                }
            )
            text += short
            position = match.end()
        text += post.text[position:]
        item: dict[str, Any] = {
            "id": post.id,
            "text": text,
            "edit_history_tweet_ids": [post.id],
        }
        if "created_at" in fields:
            created = datetime.fromisoformat(post.created_at).astimezone(UTC)
            item["created_at"] = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "entities" in fields and urls:
            item["entities"] = {"urls": urls}
        return item

    def _upload_media(self, request: EmulatorRequest) -> EmulatorResponse:
        upload = request.files.get("media")
        if upload is None or not upload.content:
            return self._invalid("The `media` field is required.")
        if not upload.content_type.startswith("image/"):
            return self._invalid("media type unrecognized.")
        media_id = str(1_880_000_000_000_000_000 + self.next_number())
        media = _Media(
            media_id,
            f"3_{media_id}",
            upload.filename,
            upload.content_type,
            upload.content,
        )
        self.media[media_id] = media
        return self._answer(
            {
                "data": {
                    "id": media_id,
                    "media_key": media.media_key,
                    "size": len(upload.content),
                    "expires_after_secs": 86400,
                    "image": {"image_type": upload.content_type},
                }
            }
        )

    def _describe_media(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json()
        if not isinstance(body, dict) or body.get("id") not in self.media:
            return self._invalid("The `id` field must be an uploaded media id.")
        alt_text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
        if not isinstance(alt_text, str) or len(alt_text) > 1000:
            return self._invalid("alt_text.text must be at most 1000 characters.")
        self.media[body["id"]].alt_text = alt_text
        return self._answer(
            {
                "data": {
                    "id": body["id"],
                    "associated_metadata": {"alt_text": {"text": alt_text}},
                }
            }
        )

    # --- OAuth 1.0a --------------------------------------------------------------
    def _oauth_params(self, request: EmulatorRequest) -> dict[str, str] | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("OAuth "):
            return None
        try:
            return {
                name: utils.unescape(value)
                for name, value in utils.parse_authorization_header(header)
            }
        except ValueError:
            return None

    def _signature_valid(
        self, request: EmulatorRequest, oauth: dict[str, str], token_secret: str | None
    ) -> bool:
        if oauth.get("oauth_consumer_key") != self.consumer_key:
            return False
        if oauth.get("oauth_signature_method") != "HMAC-SHA1":
            return False
        form_body = (
            request.body.decode()
            if request.content_type.startswith("application/x-www-form-urlencoded")
            else None
        )
        params = signature.collect_parameters(
            uri_query=request.raw_query,
            body=form_body,
            headers={"Authorization": request.headers["authorization"]},
        )
        signed = SimpleNamespace(
            params=params,
            uri=request.url,
            http_method=request.method,
            signature=oauth.get("oauth_signature", ""),
        )
        return signature.verify_hmac_sha1(signed, self.consumer_secret, token_secret)

    def _signed_by_account(self, request: EmulatorRequest) -> bool:
        oauth = self._oauth_params(request)
        if oauth is None:
            return False
        token_secret = self.access_tokens.get(oauth.get("oauth_token", ""))
        if token_secret is None:
            return False
        return self._signature_valid(request, oauth, token_secret)

    def _request_token(self, request: EmulatorRequest) -> EmulatorResponse:
        oauth = self._oauth_params(request)
        if oauth is None or not self._signature_valid(request, oauth, None):
            return self._oauth_refusal()
        callback = oauth.get("oauth_callback", "")
        if not callback.startswith(("http://", "https://")):
            return self._oauth_refusal("Callback URL not approved for this client.")
        token = "req-" + secrets.token_urlsafe(16)
        self.request_tokens[token] = {
            "secret": secrets.token_urlsafe(24),
            "callback": callback,
            "verifier": "",
        }
        return EmulatorResponse.form(
            {
                "oauth_token": token,
                "oauth_token_secret": self.request_tokens[token]["secret"],
                "oauth_callback_confirmed": "true",
            }
        )

    def _authorize(self, request: EmulatorRequest) -> EmulatorResponse:
        """The demo account holder approves at once: straight back to the callback."""
        token = request.query.get("oauth_token", "")
        pending = self.request_tokens.get(token)
        if pending is None:
            return EmulatorResponse.html(
                page(
                    "X", "<p>This page is no longer valid. Go back and try again.</p>"
                ),
                400,
            )
        pending["verifier"] = secrets.token_urlsafe(16)
        parts = urlsplit(pending["callback"])
        query = parse_qsl(parts.query) + [
            ("oauth_token", token),
            ("oauth_verifier", pending["verifier"]),
        ]
        return EmulatorResponse.redirect(
            urlunsplit(parts._replace(query=urlencode(query)))
        )

    def _exchange_access_token(self, request: EmulatorRequest) -> EmulatorResponse:
        oauth = self._oauth_params(request) or {}
        token = oauth.get("oauth_token", "")
        pending = self.request_tokens.get(token)
        if (
            pending is None
            or not pending["verifier"]
            or oauth.get("oauth_verifier") != pending["verifier"]
            or not self._signature_valid(request, oauth, pending["secret"])
        ):
            return self._oauth_refusal("Invalid request token.")
        del self.request_tokens[token]
        access_token = f"{self.user.id}-{secrets.token_urlsafe(20)}"
        self.access_tokens[access_token] = secrets.token_urlsafe(30)
        return EmulatorResponse.form(
            {
                "oauth_token": access_token,
                "oauth_token_secret": self.access_tokens[access_token],
                "user_id": self.user.id,
                "screen_name": self.user.username,
            }
        )

    def _oauth_refusal(
        self, message: str = "Could not authenticate you."
    ) -> EmulatorResponse:
        return EmulatorResponse.json(
            {"errors": [{"code": 32, "message": message}]}, 401
        )
