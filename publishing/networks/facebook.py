"""Facebook Pages: posts through facebook-sdk 3.1's `GraphAPI` with a page access token.

Credentials (plain strings): `page_id` and `page_access_token` (from the connect flow:
a Page token obtained with a long-lived user token does not expire). The Graph API
version comes from `SOCIAL_FACEBOOK_GRAPH_VERSION` and is set in `_GraphAPI` alone.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import facebook
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    AuthExpired,
    Clock,
    DuplicatePost,
    ImageFile,
    Network,
    OutcomeUnknown,
    PermanentRefusal,
    PinResult,
    PublishResult,
    RemotePost,
    RemotePostMissing,
    RetractResult,
    TransientNetworkError,
)
from .http import describe_non_json, http_send, json_body
from .x import text_with_link

logger = logging.getLogger(__name__)

#: Graph hosts whose pages are read (and the Login dialog served) on www.facebook.com;
#: any other base (an emulator) serves all three itself.
PUBLIC_WEB_URLS = {"https://graph.facebook.com": "https://www.facebook.com"}
#: What the school's Page needs the app to be allowed: list Pages, post, read posts.
FACEBOOK_SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement")

# https://developers.facebook.com/docs/graph-api/guides/error-handling
_TOKEN_CODES = frozenset({102, 190})
_PERMISSION_CODES = frozenset({10, *range(200, 300)})
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80001, 80015)})
_TRANSIENT_CODES = frozenset({2})  # service temporarily unavailable
_MISSING_OBJECT = (100, 33)  # "Object with ID ... does not exist"
_DUPLICATE_STATUS = 506  # "Duplicate status message"
_GRAPH_VERSION = re.compile(r"^v\d+\.\d+$")
#: How many pages of 100 reconciliation reads before it gives up.
MAX_LIST_PAGES = 10

Transport = Callable[..., Any]


class _GraphAPI(facebook.GraphAPI):
    """facebook-sdk 3.1's GraphAPI at a current Graph version and the configured host.

    facebook-sdk 3.1 accepts versions up to "3.1" only, all retired by Meta, and its
    methods build every path from `self.version`: we construct it with the newest
    version it accepts and then set the configured one (e.g. "v21.0") here, the one
    place the version is set. Its `request()` (which every method calls) joins paths to
    the module constant FACEBOOK_GRAPH_URL; overriding it sends them through the
    adapter's transport at the configured base URL instead, with the access token in
    the Authorization header so it never appears in a URL.
    """

    def __init__(self, *, access_token: str | None, version: str, transport: Transport):
        if not _GRAPH_VERSION.match(version):
            raise ImproperlyConfigured(
                f"The Graph API version must look like 'v21.0', not {version!r} "
                "(SOCIAL_FACEBOOK_GRAPH_VERSION)."
            )
        super().__init__(access_token=access_token, version="3.1")
        self.version = version
        self._transport = transport

    def request(self, path, args=None, post_args=None, files=None, method=None):
        if post_args is not None:
            method = "POST"
        headers = {}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        return self._transport(
            method=method or "GET",
            path=path,
            params=args or None,
            data=post_args,
            files=files,
            headers=headers,
        )


class FacebookPageNetwork(Network):
    """Posts to one Facebook Page. Every HTTP call goes through `_request`."""

    name: ClassVar[str] = "facebook"
    label: ClassVar[str] = "Facebook"
    max_length: ClassVar[int] = 63_206
    max_images: ClassVar[int] = 1
    supports_media: ClassVar[bool] = True
    supports_pin: ClassVar[bool] = True
    supports_delete: ClassVar[bool] = True

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
        graph_version: str | None = None,
    ) -> None:
        super().__init__(
            credentials=credentials, base_url=base_url, timeout=timeout, clock=clock
        )
        self.page_id = self.credentials.get("page_id", "")
        page_access_token = self.credentials.get("page_access_token")
        if not self.page_id or not page_access_token:
            raise AuthExpired(
                "No Facebook Page token is stored for this account; connect it again."
            )
        self._session = requests.Session()
        self._graph = _GraphAPI(
            access_token=page_access_token,
            version=graph_version or settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
            transport=self._request,
        )

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL

    def publish(
        self, *, text: str, images: list[ImageFile], link: str | None = None
    ) -> PublishResult:
        """A feed post with the link (Facebook shows its preview), or a photo post.

        A photo post has no link field, so the link goes at the end of its caption.
        """
        if images:
            caption = text_with_link(text, link)
            self.check_post(text=caption, images=images)
            [image] = images
            described = {"alt_text_custom": image.alt_text} if image.alt_text else {}
            answer = self._graph.put_photo(
                image=(image.filename, image.content, image.mime_type),
                album_path=f"{self.page_id}/photos",
                caption=caption,
                **described,
            )
            # A photo is one object and the post showing it another: the post id is
            # what deleting and pinning act on.
            if answer.get("post_id"):
                remote_id = answer["post_id"]
            else:
                remote_id = f"{self.page_id}_{_answered_id(answer)}"
        else:
            self.check_post(text=text, images=images)
            fields = {"message": text} | ({"link": link} if link else {})
            answer = self._graph.put_object(self.page_id, "feed", **fields)
            remote_id = _answered_id(answer)
        return PublishResult(remote_id=str(remote_id), url=self.post_url(remote_id))

    def retract(self, *, remote_id: str) -> RetractResult:
        try:
            answer = self._graph.delete_object(remote_id)
        except RemotePostMissing:
            return RetractResult(remote_id=remote_id, already_gone=True)
        if not answer.get("success"):
            raise PermanentRefusal(f"Facebook did not delete post {remote_id}.")
        return RetractResult(remote_id=remote_id)

    def recent_posts(
        self, *, since: datetime, include_photos: bool = False
    ) -> list[RemotePost]:
        """The Page's posts since `since` (`GET /{page-id}/posts`), all pages.

        A photo post is also a photo (`GET /{page-id}/photos?type=uploaded`, whose
        `name` is the caption and `page_story_id` the post); with `include_photos`
        those are read too, so a photo whose post has not reached the feed yet is
        still found.
        """
        unix_since = int(since.timestamp())
        posts = [
            RemotePost(
                remote_id=str(item["id"]),
                url=str(item.get("permalink_url") or self.post_url(str(item["id"]))),
                text=str(item.get("message") or ""),
            )
            for item in self._list(
                "posts",
                since=unix_since,
                fields="id,message,created_time,permalink_url",
            )
        ]
        if include_photos:
            posts += [
                RemotePost(
                    remote_id=str(
                        item.get("page_story_id") or f"{self.page_id}_{item['id']}"
                    ),
                    url=self.post_url(
                        str(item.get("page_story_id") or f"{self.page_id}_{item['id']}")
                    ),
                    text=str(item.get("name") or ""),
                )
                for item in self._list(
                    "photos",
                    since=unix_since,
                    type="uploaded",
                    fields="id,name,created_time,page_story_id",
                )
            ]
        return posts

    def _list(self, edge: str, *, since: int, **args: str) -> list[dict[str, Any]]:
        """Every item of a Page edge created since `since`, following the cursors."""
        items: list[dict[str, Any]] = []
        after: dict[str, str] = {}
        for _ in range(MAX_LIST_PAGES):
            answer = self._graph.get_connections(
                self.page_id, edge, since=str(since), limit="100", **args, **after
            )
            data = answer.get("data")
            if not isinstance(data, list) or not all(
                isinstance(item, dict) and item.get("id") for item in data
            ):
                raise PermanentRefusal(
                    f"Facebook's list of the Page's {edge} was garbled."
                )
            fresh = [item for item in data if _created_since(item, since)]
            items += fresh
            paging = answer.get("paging") or {}
            cursor = (paging.get("cursors") or {}).get("after")
            if len(fresh) < len(data) or not paging.get("next") or not cursor:
                return items
            after = {"after": str(cursor)}
        raise PermanentRefusal(
            f"The Page has more than {MAX_LIST_PAGES * 100} {edge} since the post was "
            "sent; they were not all read."
        )

    def pin(self, *, remote_id: str) -> PinResult:
        """Pin the post to the top of the Page (M1: when replies can be expected)."""
        return self._set_pinned(remote_id, pinned=True)

    def unpin(self, *, remote_id: str) -> PinResult:
        return self._set_pinned(remote_id, pinned=False)

    def pinned_state(self, *, remote_id: str) -> PinResult:
        """Read the Page post's ``is_pinned`` field (unpinned by hand on Facebook?)."""
        answer = self._graph.request(
            f"{self._graph.version}/{remote_id}", args={"fields": "is_pinned"}
        )
        return PinResult(remote_id=remote_id, pinned=bool(answer.get("is_pinned")))

    def post_url(self, remote_id: str) -> str:
        """Where a person reads the post (facebook.com, or the emulator's own page)."""
        return f"{facebook_web_base_url(self.base_url)}/{remote_id}"

    def _set_pinned(self, remote_id: str, *, pinned: bool) -> PinResult:
        answer = self._graph.request(
            f"{self._graph.version}/{remote_id}",
            post_args={"is_pinned": "true" if pinned else "false"},
        )
        if not answer.get("success"):
            action = "pin" if pinned else "unpin"
            raise PermanentRefusal(f"Facebook did not {action} post {remote_id}.")
        return PinResult(remote_id=remote_id, pinned=pinned)

    def _request(self, *, method: str, path: str, **kwargs: Any) -> Any:
        """The one way to the Graph API: timeout, usage headers, logging, errors."""
        return graph_request(
            session=self._session,
            base_url=self.base_url,
            method=method,
            path=path,
            timeout=self.timeout,
            **kwargs,
        )


def _answered_id(answer: Any) -> str:
    """The new post's id from a Graph answer, or a clear error when it has none."""
    if isinstance(answer, dict) and answer.get("id"):
        return str(answer["id"])
    raise OutcomeUnknown(
        "Facebook answered without the new post's id, so the post may or may not "
        "have been made."
    )


def _created_since(item: dict[str, Any], since: int) -> bool:
    """Graph's `created_time` ("2026-11-27T09:30:00+0000") is at or after `since`.

    An item without a readable time is kept: a post must never be missed.
    """
    try:
        created = datetime.strptime(str(item["created_time"]), "%Y-%m-%dT%H:%M:%S%z")
    except (KeyError, ValueError):
        return True
    return created.timestamp() >= since


def facebook_web_base_url(graph_base_url: str) -> str:
    """www.facebook.com for the real Graph API; the emulator serves its own pages."""
    graph_base_url = graph_base_url.rstrip("/")
    return PUBLIC_WEB_URLS.get(graph_base_url, graph_base_url)


def graph_request(
    *,
    session: requests.Session,
    base_url: str,
    method: str,
    path: str,
    timeout: float,
    network: str = "Facebook",
    **kwargs: Any,
) -> Any:
    """Send one Graph API request and return its JSON, or raise the right error.

    `network` names the service in errors: Instagram's API is the same Graph API.
    """
    response = http_send(
        session=session,
        network=network,
        method=method,
        url=f"{base_url.rstrip('/')}/{path.lstrip('/')}",
        timeout=timeout,
        **kwargs,
    )
    body = json_body(response)
    retry_after = _usage_retry_after(response)
    error = body.get("error") if isinstance(body, dict) else None
    status = response.status_code
    if 200 <= status < 300 and isinstance(body, dict) and not error:
        return body
    if 200 <= status < 300 and not error:
        # A "success" that is not the Graph's JSON object (a proxy's page, an empty
        # body): the request may have been carried out.
        raise OutcomeUnknown(describe_non_json(network, response))
    if body is None:
        reason = describe_non_json(network, response)
        if status >= 500:
            raise _server_error(method, reason)
        raise PermanentRefusal(reason)
    raise _graph_error(status, error, retry_after, method=method, network=network)


def _server_error(method: str, reason: str) -> TransientNetworkError:
    """A 5xx: try again later; for a write, first find out whether it was done."""
    return OutcomeUnknown(reason) if method != "GET" else TransientNetworkError(reason)


def _graph_error(
    status: int,
    error: Any,
    retry_after: float | None,
    *,
    method: str = "GET",
    network: str = "Facebook",
) -> Exception:
    """The `NetworkError` for a Graph error object (message, type, code, subcode)."""
    if not isinstance(error, dict):
        error = {"message": f"an answer it does not normally give (HTTP {status})"}
    code, subcode = error.get("code"), error.get("error_subcode")
    words = error.get("message") or f"{network} gave no reason."
    what = f"{network} Page" if network == "Facebook" else f"{network} account"
    if code in _TOKEN_CODES or status == 401:
        return AuthExpired(
            f"{network} refused the Page's access token ({words}); connect the "
            f"{what} again."
        )
    if code in _PERMISSION_CODES:
        return AuthExpired(
            f"{network} says the app may not do this ({words}); connect the "
            f"{what} again and grant every permission asked for."
        )
    if code in _RATE_LIMIT_CODES or status == 429:
        wait = f"; try again in {retry_after:.0f} seconds." if retry_after else "."
        return TransientNetworkError(
            f"{network}'s rate limit is used up ({words}){wait}",
            retry_after=retry_after,
        )
    if status >= 500 or error.get("is_transient") or code in _TRANSIENT_CODES:
        return _server_error(method, f"{network} had a temporary problem: {words}")
    if (code, subcode) == _MISSING_OBJECT:
        return RemotePostMissing(f"{network} has no such post: {words}")
    if code == _DUPLICATE_STATUS:
        return DuplicatePost(f"{network} refused the request: {words}")
    return PermanentRefusal(f"{network} refused the request: {words}")


def _usage_retry_after(response: requests.Response) -> float | None:
    """Seconds to wait, from the usage headers' `estimated_time_to_regain_access`.

    X-Business-Use-Case-Usage (Page calls) maps business ids to lists of usage
    entries; X-App-Usage and X-Page-Usage are single objects. The estimate is in
    minutes; the longest one wins.
    """
    minutes: list[float] = []
    for header in ("x-business-use-case-usage", "x-app-usage", "x-page-usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        entries = [usage] if isinstance(usage, dict) else []
        if header == "x-business-use-case-usage" and isinstance(usage, dict):
            entries = [
                entry
                for value in usage.values()
                if isinstance(value, list)
                for entry in value
                if isinstance(entry, dict)
            ]
        for entry in entries:
            estimate = entry.get("estimated_time_to_regain_access")
            if isinstance(estimate, int | float) and estimate > 0:
                minutes.append(float(estimate))
            if any(
                isinstance(entry.get(key), int | float) and entry[key] >= 90
                for key in ("call_count", "total_time", "total_cputime")
            ):
                logger.warning(
                    "Facebook usage at %s: %s",
                    header,
                    raw,
                    extra={"event": "social.rate_limit_low", "network": "facebook"},
                )
    return max(minutes) * 60 if minutes else None


# --- Connecting a Page: Facebook Login, network side ---------------------------------


@dataclass(frozen=True)
class FacebookConnectStart:
    """Where to send the account holder, and the `state` the session keeps."""

    authorize_url: str
    state: str


@dataclass(frozen=True)
class FacebookPage:
    """A Page the signed-in person manages, with its page access token."""

    page_id: str
    name: str
    access_token: str
    #: The Instagram professional account linked to the Page ({"id", "username"}),
    #: when the Page's fields were asked for it (`instagram_connect_finish`).
    instagram_account: dict[str, str] | None = None

    @property
    def credentials(self) -> dict[str, str]:
        """The adapter's `credentials` for this Page."""
        return {"page_id": self.page_id, "page_access_token": self.access_token}


@dataclass(frozen=True)
class FacebookConnection:
    """The outcome of the Login flow: the Pages the person may post to."""

    pages: list[FacebookPage]

    def page(self, page_id: str) -> FacebookPage:
        """The chosen Page.

        Raises:
            PermanentRefusal: the person does not manage that Page (or it was not
                granted to the app).
        """
        for page in self.pages:
            if page.page_id == page_id:
                return page
        raise PermanentRefusal(
            "That Facebook Page was not granted to the app; connect again and "
            "choose it in Facebook's dialog."
        )


def facebook_connect_start(
    *,
    app_id: str,
    redirect_uri: str,
    base_url: str,
    graph_version: str,
    scopes: tuple[str, ...] = FACEBOOK_SCOPES,
) -> FacebookConnectStart:
    """The Login dialog URL, and a fresh `state` to compare with the callback's."""
    state = secrets.token_urlsafe(32)
    query = urlencode(
        {
            "client_id": app_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(scopes),
        }
    )
    dialog = f"{facebook_web_base_url(base_url)}/{graph_version}/dialog/oauth"
    return FacebookConnectStart(authorize_url=f"{dialog}?{query}", state=state)


def facebook_connect_finish(
    *,
    app_id: str,
    app_secret: str,
    base_url: str,
    graph_version: str,
    redirect_uri: str,
    expected_state: str,
    callback_params: Mapping[str, str],
    timeout: float = 15.0,
    page_fields: str | None = None,
) -> FacebookConnection:
    """Code -> short-lived user token -> long-lived user token -> the person's Pages.

    Page tokens fetched with a long-lived user token do not expire, so they are what
    the school stores (A3: in the account register, never in settings or logs).

    Raises:
        PermanentRefusal: the person declined, or the callback is not for this request.
        NetworkError: Facebook refused or could not be reached.
    """
    if callback_params.get("error"):
        raise PermanentRefusal(
            "Access was not granted on Facebook; nothing was connected "
            f"({callback_params.get('error_description') or callback_params['error']})."
        )
    if not hmac.compare_digest(
        callback_params.get("state", "").encode(), expected_state.encode()
    ):
        raise PermanentRefusal(
            "The answer from Facebook does not belong to the connection started "
            "here; start connecting again."
        )
    code = callback_params.get("code")
    if not code:
        raise PermanentRefusal("Facebook sent no code back; start connecting again.")
    transport = functools.partial(
        graph_request,
        session=requests.Session(),
        base_url=base_url,
        timeout=timeout,
    )

    def graph(access_token: str | None) -> _GraphAPI:
        return _GraphAPI(
            access_token=access_token, version=graph_version, transport=transport
        )

    short_lived = graph(None).get_access_token_from_code(
        code, redirect_uri, app_id, app_secret
    )["access_token"]
    long_lived = graph(short_lived).extend_access_token(app_id, app_secret)
    fields = {"fields": page_fields} if page_fields else {}
    accounts = graph(long_lived["access_token"]).get_connections(
        "me", "accounts", **fields
    )
    return FacebookConnection(
        pages=[
            FacebookPage(
                page_id=str(page["id"]),
                name=page["name"],
                access_token=page["access_token"],
                instagram_account=page.get("instagram_business_account"),
            )
            for page in accounts.get("data", [])
            if page.get("access_token")
        ]
    )
