"""X (formerly Twitter): posts through tweepy's v2 `Client`, OAuth 1.0a user context.

Credentials (plain strings): `access_token` and `access_token_secret` (the account's,
from the connect flow) and `consumer_key` / `consumer_secret` (the school's X app; when
absent they come from `SOCIAL_X_CONSUMER_KEY` / `SOCIAL_X_CONSUMER_SECRET`).

tweepy 4.17 has no v2 media upload, so images go to X's v2 endpoint
`POST /2/media/upload` (multipart) over the same OAuth1 session that tweepy's own
dependency, requests-oauthlib, provides. X's API has no way to pin a post.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode

import requests
import tweepy
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests_oauthlib import OAuth1Session

from .base import (
    AuthExpired,
    Clock,
    DuplicatePost,
    ImageFile,
    Network,
    OutcomeUnknown,
    PermanentRefusal,
    PublishResult,
    RemotePost,
    RemotePostMissing,
    RetractResult,
    TransientNetworkError,
)
from .http import describe_non_json, http_send, json_body

logger = logging.getLogger(__name__)

#: X's limit on an image's description (alt text).
MAX_ALT_TEXT_LENGTH = 1000
#: Every link counts as this many characters: X wraps them all in t.co links.
TCO_LINK_LENGTH = 23
#: How many pages of 100 posts reconciliation reads before it gives up (X keeps the
#: newest 3,200 posts of a timeline).
MAX_TIMELINE_PAGES = 10
#: API hosts whose posts are read on x.com; any other base (an emulator) serves both.
PUBLIC_WEB_URLS = {
    "https://api.x.com": "https://x.com",
    "https://api.twitter.com": "https://x.com",
}

# X's counting (twitter-text v3): code points in these ranges weigh 1, all others 2
# (CJK, emoji), after NFC normalisation. Joiners and variation selectors weigh 0 here
# so an emoji sequence is not counted more than once.
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_WEIGHTLESS = frozenset({"\u200d", *map(chr, range(0xFE00, 0xFE10))})
# A link: with a scheme or "www.", or a bare domain under a common top-level domain
# (X links "bbc.co.uk" too, and counts it 23 like any other).
_BARE_DOMAIN_TLDS = "com|org|net|edu|gov|uk|wales|cymru|ie|info|io|co|eu|app|news"
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    rf"|(?<![\w@.])(?:[a-z0-9-]+\.)+(?:{_BARE_DOMAIN_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def weighted_length(text: str) -> int:
    """The length X gives `text`: links count 23 each, wide characters count 2.

    Used by the editor's length counter and by the send-time check against 280.
    Links are recognised by `http://`, `https://`, `www.` or a bare domain under a
    common top-level domain (`bbc.co.uk/news`). Emoji made of several code points
    (flags, skin tones, families) count 2 per code point here where X counts 2 per
    emoji: the count can be a little high, never low, so a post that passes this
    check is never refused by X as too long.
    """
    text = unicodedata.normalize("NFC", text)
    length = 0
    position = 0
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING_PUNCTUATION)
        length += _weighted_characters(text[position : match.start()]) + TCO_LINK_LENGTH
        position = match.start() + len(url)
    return length + _weighted_characters(text[position:])


def _weighted_characters(text: str) -> int:
    total = 0
    for character in text:
        if character in _WEIGHTLESS:
            continue
        code_point = ord(character)
        light = any(low <= code_point <= high for low, high in _LIGHT_RANGES)
        total += 1 if light else 2
    return total


def text_with_link(text: str, link: str | None) -> str:
    """`text` with the website link on its own line at the end, unless already in it."""
    if not link or link in text:
        return text
    return f"{text.rstrip()}\n\n{link}"


class _XApiClient(tweepy.Client):
    """tweepy's v2 Client, sending every call through the adapter's `_request`.

    `Client.request(method, route, params=None, json=None, user_auth=False)` is the
    one method tweepy's endpoint methods (`create_tweet`, `delete_tweet`, `get_me`)
    call, and it keeps the host as a local constant. Overriding that documented method
    is how the client reaches the configured base URL (an emulator in development and
    tests) with our timeout, OAuth1 session and error mapping; tweepy's internals stay
    untouched.
    """

    def __init__(self, *, transport: Any) -> None:
        super().__init__()  # the credentials live in the transport's OAuth1 session
        self._transport = transport

    def request(self, method, route, params=None, json=None, user_auth=False):
        return self._transport(method, route, params=params, json=json)


@dataclass(frozen=True)
class XMention:
    """A post by someone else naming the account (a reply or a mention)."""

    remote_id: str
    text: str
    author_id: str
    author_name: str
    created_at: datetime
    in_reply_to: str


@dataclass(frozen=True)
class XProfile:
    """The X account the credentials act as (`GET /2/users/me`)."""

    user_id: str
    username: str
    name: str


class XNetwork(Network):
    """Posts to one X account. Every HTTP call goes through `_request`."""

    name: ClassVar[str] = "x"
    label: ClassVar[str] = "X"
    max_length: ClassVar[int] = 280
    max_images: ClassVar[int] = 4
    supports_media: ClassVar[bool] = True
    supports_pin: ClassVar[bool] = False
    supports_delete: ClassVar[bool] = True

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(
            credentials=credentials, base_url=base_url, timeout=timeout, clock=clock
        )
        consumer_key = (
            self.credentials.get("consumer_key") or settings.SOCIAL_X_CONSUMER_KEY
        )
        consumer_secret = (
            self.credentials.get("consumer_secret") or settings.SOCIAL_X_CONSUMER_SECRET
        )
        if not consumer_key or not consumer_secret:
            raise ImproperlyConfigured(
                "The X app's consumer key and secret are not set "
                "(SOCIAL_X_CONSUMER_KEY, SOCIAL_X_CONSUMER_SECRET)."
            )
        access_token = self.credentials.get("access_token")
        access_token_secret = self.credentials.get("access_token_secret")
        if not access_token or not access_token_secret:
            raise AuthExpired(
                "No X access token is stored for this account; connect it again."
            )
        self._session = OAuth1Session(
            consumer_key,
            client_secret=consumer_secret,
            resource_owner_key=access_token,
            resource_owner_secret=access_token_secret,
        )
        self._client = _XApiClient(transport=self._request)

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_X_API_BASE_URL

    @classmethod
    def text_length(cls, text: str) -> int:
        return weighted_length(text)

    @classmethod
    def check_post(cls, *, text: str, images: list[ImageFile]) -> None:
        """The common checks, and X's limit on an image's description (alt text)."""
        super().check_post(text=text, images=images)
        for image in images:
            if len(image.alt_text) > MAX_ALT_TEXT_LENGTH:
                raise PermanentRefusal(
                    f"The description of {image.filename!r} is {len(image.alt_text)} "
                    f"characters long; X allows {MAX_ALT_TEXT_LENGTH}."
                )

    def publish(
        self, *, text: str, images: list[ImageFile], link: str | None = None
    ) -> PublishResult:
        """Upload each image (with its description), then post with their media ids."""
        text = text_with_link(text, link)
        self.check_post(text=text, images=images)
        media_ids = [self._upload_image(image) for image in images]
        response = self._client.create_tweet(text=text, media_ids=media_ids or None)
        if not isinstance(response.data, dict) or not response.data.get("id"):
            raise OutcomeUnknown(
                "X answered without the new post's id, so the post may or may not "
                "have been made."
            )
        remote_id = str(response.data["id"])
        return PublishResult(remote_id=remote_id, url=self.post_url(remote_id))

    def retract(self, *, remote_id: str) -> RetractResult:
        try:
            response = self._client.delete_tweet(remote_id)
        except RemotePostMissing:
            return RetractResult(remote_id=remote_id, already_gone=True)
        if not (response.data or {}).get("deleted"):
            raise PermanentRefusal(f"X did not delete post {remote_id}.")
        return RetractResult(remote_id=remote_id)

    def recent_posts(
        self, *, since: datetime, include_photos: bool = False
    ) -> list[RemotePost]:
        """The account's posts since `since` (`GET /2/users/:id/tweets`), all pages.

        X shortens every link in a post's text to t.co; the original address is in
        the post's `entities.urls[].expanded_url`, which is asked for here. Photo
        posts are ordinary posts on X, so `include_photos` changes nothing.
        """
        me = self._client.get_me().data
        if me is None:
            raise PermanentRefusal("X did not say which account the token belongs to.")
        posts: list[RemotePost] = []
        paging: dict[str, str] = {}
        for _ in range(MAX_TIMELINE_PAGES):
            response = self._client.get_users_tweets(
                me.id,
                start_time=since.astimezone(UTC),
                max_results=100,
                tweet_fields=["created_at", "entities"],
                user_auth=True,
                **paging,
            )
            if not isinstance(response.meta, dict) or "result_count" not in (
                response.meta
            ):
                # X always counts what it returns; without the count the page
                # cannot be trusted to be complete.
                raise PermanentRefusal("X's list of recent posts was incomplete.")
            for tweet in response.data or []:
                urls = (tweet.entities or {}).get("urls") or []
                posts.append(
                    RemotePost(
                        remote_id=str(tweet.id),
                        url=self.post_url(str(tweet.id)),
                        text=tweet.text,
                        links=tuple(
                            str(url.get("expanded_url") or url.get("url") or "")
                            for url in urls
                            if isinstance(url, dict)
                        ),
                    )
                )
            token = response.meta.get("next_token")
            if not token:
                return posts
            paging = {"pagination_token": token}
        raise PermanentRefusal(
            f"X has more than {MAX_TIMELINE_PAGES * 100} posts on this account since "
            f"{since:%d %b %Y %H:%M}; they were not all read."
        )

    def mentions_since(self, *, since: datetime, max_pages: int) -> list[XMention]:
        """Replies and mentions of the account since `since` (`/2/users/:id/mentions`).

        Every post read is charged by X: callers read only when the school agreed.
        """
        me = self._client.get_me().data
        if me is None:
            raise PermanentRefusal("X did not say which account the token belongs to.")
        found: list[XMention] = []
        paging: dict[str, str] = {}
        for _ in range(max_pages):
            response = self._client.get_users_mentions(
                me.id,
                start_time=since.astimezone(UTC),
                max_results=100,
                tweet_fields=["created_at", "author_id", "referenced_tweets"],
                expansions=["author_id"],
                user_auth=True,
                **paging,
            )
            users = {
                str(user.id): user.name or user.username
                for user in (response.includes or {}).get("users", [])
            }
            for tweet in response.data or []:
                replied_to = [
                    str(ref.id)
                    for ref in tweet.referenced_tweets or []
                    if ref.type == "replied_to"
                ]
                found.append(
                    XMention(
                        remote_id=str(tweet.id),
                        text=tweet.text,
                        author_id=str(tweet.author_id or ""),
                        author_name=users.get(str(tweet.author_id), ""),
                        created_at=tweet.created_at or datetime.now(UTC),
                        in_reply_to=replied_to[0] if replied_to else "",
                    )
                )
            token = (response.meta or {}).get("next_token")
            if not token:
                break
            paging = {"pagination_token": token}
        return found

    def reply(self, *, in_reply_to: str, text: str) -> str:
        """Reply to a post; returns the reply's id."""
        response = self._client.create_tweet(
            text=text, in_reply_to_tweet_id=in_reply_to
        )
        if not isinstance(response.data, dict) or not response.data.get("id"):
            raise OutcomeUnknown("X answered without the reply's id.")
        return str(response.data["id"])

    def profile(self) -> XProfile:
        """Who these credentials post as; the connect flow stores it with the tokens."""
        user = self._client.get_me().data
        return XProfile(user_id=str(user.id), username=user.username, name=user.name)

    def post_url(self, remote_id: str) -> str:
        """Where a person reads the post (x.com, or the emulator's own page)."""
        web_base_url = PUBLIC_WEB_URLS.get(self.base_url, self.base_url)
        return f"{web_base_url}/i/web/status/{remote_id}"

    def _upload_image(self, image: ImageFile) -> str:
        response = self._request(
            "POST",
            "/2/media/upload",
            data={"media_category": "tweet_image"},
            files={"media": (image.filename, image.content, image.mime_type)},
        )
        media = response.json().get("data") or {}
        if not media.get("id"):
            raise PermanentRefusal(f"X did not accept the image {image.filename!r}.")
        if image.alt_text:
            self._request(
                "POST",
                "/2/media/metadata",
                json={
                    "id": str(media["id"]),
                    "metadata": {"alt_text": {"text": image.alt_text}},
                },
            )
        return str(media["id"])

    def _request(
        self,
        method: str,
        route: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        """The one way to X: timeout, rate-limit headers, logging, error mapping."""
        response = http_send(
            session=self._session,
            network=self.label,
            method=method,
            url=self.base_url + route,
            timeout=self.timeout,
            params=params,
            json=json,
            data=data,
            files=files,
        )
        raise_for_x_response(response, clock=self.clock)
        if json_body(response) is None:
            # A "success" that is not X's JSON (a proxy's page, an empty body): the
            # request may have been carried out, so its outcome is unknown.
            raise OutcomeUnknown(describe_non_json(self.label, response))
        return response


def raise_for_x_response(response: requests.Response, *, clock: Clock) -> None:
    """Raise the `NetworkError` an unsuccessful X answer means; return on success."""
    _log_rate_limit(response)
    status = response.status_code
    if 200 <= status < 300:
        return
    body = json_body(response)
    if status == 429:
        retry_after = None
        reset = response.headers.get("x-rate-limit-reset", "")
        if reset.isdigit():
            retry_after = max(0.0, int(reset) - clock())
        raise TransientNetworkError(
            "X's rate limit for this account is used up"
            + (
                f"; it resets in {retry_after:.0f} seconds."
                if retry_after is not None
                else "."
            ),
            retry_after=retry_after,
        )
    if status >= 500:
        words = _x_words(body) if body is not None else describe_non_json("X", response)
        reason = f"X had a server error (HTTP {status}): {words}"
        if response.request is not None and response.request.method != "GET":
            # A gateway's 502/504 can follow a request X carried out.
            raise OutcomeUnknown(reason)
        raise TransientNetworkError(reason)
    if body is None:
        raise PermanentRefusal(describe_non_json("X", response))
    words = _x_words(body)
    if status == 401:
        raise AuthExpired(
            f"X refused the account's access token ({words}); connect the X account "
            "again."
        )
    if status == 404:
        raise RemotePostMissing(f"X has no such post: {words}")
    if status == 403 and "duplicate content" in words:
        raise DuplicatePost(f"X refused the request: {words}")
    raise PermanentRefusal(f"X refused the request: {words}")


def _x_words(body: Any) -> str:
    """X's own explanation from a v2 problem or v1.1 error body."""
    if isinstance(body, dict):
        # The specific words first: a v2 "errors" list names what is at fault, where
        # the top-level "detail" is often the generic "One or more parameters ...".
        for error in body.get("errors") or []:
            if not isinstance(error, dict):
                continue
            if error.get("message") or error.get("detail"):
                return str(error.get("message") or error.get("detail"))
        if body.get("detail") or body.get("title"):
            return str(body.get("detail") or body.get("title"))
    return "X gave no reason."


def _log_rate_limit(response: requests.Response) -> None:
    remaining = response.headers.get("x-rate-limit-remaining", "")
    if remaining.isdigit() and int(remaining) <= 1:
        logger.warning(
            "X rate limit nearly used up: %s request(s) left until %s",
            remaining,
            response.headers.get("x-rate-limit-reset", "unknown"),
            extra={"event": "social.rate_limit_low", "network": "x"},
        )


# --- Connecting an account: OAuth 1.0a three-legged flow, network side ---------------


@dataclass(frozen=True)
class XConnectStart:
    """Where to send the account holder, and the request token the session keeps."""

    authorize_url: str
    request_token: str
    request_token_secret: str


@dataclass(frozen=True)
class XConnection:
    """What to store for a connected X account."""

    access_token: str
    access_token_secret: str
    user_id: str
    username: str
    name: str

    @property
    def credentials(self) -> dict[str, str]:
        """The adapter's `credentials` (the app's keys come from settings)."""
        return {
            "access_token": self.access_token,
            "access_token_secret": self.access_token_secret,
        }


def x_connect_start(
    *,
    consumer_key: str,
    consumer_secret: str,
    callback_url: str,
    base_url: str,
    timeout: float = 15.0,
    clock: Clock = time.time,
) -> XConnectStart:
    """Get a request token and the URL where the account holder authorises the app.

    Raises:
        NetworkError: X refused the app's keys or could not be reached.
    """
    base_url = base_url.rstrip("/")
    session = OAuth1Session(
        consumer_key, client_secret=consumer_secret, callback_uri=callback_url
    )
    response = http_send(
        session=session,
        network="X",
        method="POST",
        url=f"{base_url}/oauth/request_token",
        timeout=timeout,
    )
    token = _oauth_form(response, clock=clock, step="request token")
    if token.get("oauth_callback_confirmed") != "true":
        raise PermanentRefusal(
            "X did not confirm the callback address; check the X app."
        )
    query = urlencode({"oauth_token": token["oauth_token"]})
    return XConnectStart(
        authorize_url=f"{base_url}/oauth/authorize?{query}",
        request_token=token["oauth_token"],
        request_token_secret=token["oauth_token_secret"],
    )


def x_connect_finish(
    *,
    consumer_key: str,
    consumer_secret: str,
    base_url: str,
    request_token: str,
    request_token_secret: str,
    callback_params: Mapping[str, str],
    timeout: float = 15.0,
    clock: Clock = time.time,
) -> XConnection:
    """Exchange the callback's verifier for the account's access token and identify it.

    Args:
        request_token, request_token_secret: kept from `x_connect_start`.
        callback_params: the query parameters X sent back to the callback URL.

    Raises:
        PermanentRefusal: the holder declined, or the callback is not for this request.
        NetworkError: X refused or could not be reached.
    """
    if callback_params.get("denied"):
        raise PermanentRefusal("Access was not granted on X; nothing was connected.")
    if callback_params.get("oauth_token") != request_token:
        raise PermanentRefusal(
            "The answer from X does not belong to the connection started here; "
            "start connecting again."
        )
    verifier = callback_params.get("oauth_verifier")
    if not verifier:
        raise PermanentRefusal("X sent no verifier back; start connecting again.")
    base_url = base_url.rstrip("/")
    session = OAuth1Session(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=request_token,
        resource_owner_secret=request_token_secret,
        verifier=verifier,
    )
    response = http_send(
        session=session,
        network="X",
        method="POST",
        url=f"{base_url}/oauth/access_token",
        timeout=timeout,
    )
    token = _oauth_form(response, clock=clock, step="access token")
    profile = XNetwork(
        credentials={
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "access_token": token["oauth_token"],
            "access_token_secret": token["oauth_token_secret"],
        },
        base_url=base_url,
        timeout=timeout,
        clock=clock,
    ).profile()
    return XConnection(
        access_token=token["oauth_token"],
        access_token_secret=token["oauth_token_secret"],
        user_id=profile.user_id,
        username=profile.username,
        name=profile.name,
    )


def _oauth_form(
    response: requests.Response, *, clock: Clock, step: str
) -> dict[str, str]:
    """The form-encoded token answer of X's OAuth 1.0a endpoints."""
    if response.status_code == 401:
        body = json_body(response)
        words = _x_words(body) if body is not None else "no reason given"
        raise AuthExpired(
            f"X refused the {step} request ({words}). Start connecting again; if it "
            "happens again, check SOCIAL_X_CONSUMER_KEY and SOCIAL_X_CONSUMER_SECRET."
        )
    raise_for_x_response(response, clock=clock)
    fields = {key: values[0] for key, values in parse_qs(response.text).items()}
    if not fields.get("oauth_token") or not fields.get("oauth_token_secret"):
        raise PermanentRefusal(
            f"X's {step} answer had no token (HTTP {response.status_code}, "
            f"{response.headers.get('content-type', 'no content type')})."
        )
    return fields
