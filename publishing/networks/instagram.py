"""Instagram professional accounts: the Graph API with Facebook Login (facebook-sdk).

Credentials (plain strings): `ig_user_id` and `page_access_token`, the token of the
Facebook Page the Instagram account is linked to (from the connect flow; it does not
expire). Same Graph host, version and error mapping as `facebook.py`.

Instagram fetches each picture itself from a public address (`ImageFile.public_url`),
so the ledger makes a short-lived public copy for the send. Publishing is three steps:
a container per picture (`POST /{ig-user-id}/media`), a wait until Instagram has
fetched it (`status_code` FINISHED), then `media_publish`; a carousel of 2-10 pictures
has one container per picture and one for the carousel. At most 50 posts are
published in 24 hours (`content_publishing_limit`), checked before each post.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from .base import (
    AuthExpired,
    Clock,
    DeletionNotOffered,
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
from .facebook import MAX_LIST_PAGES, _created_since, _GraphAPI, graph_request
from .x import text_with_link

logger = logging.getLogger(__name__)

MAX_CAPTION = 2200
MAX_HASHTAGS = 30
#: Instagram's feed takes pictures from 4:5 (portrait) to 1.91:1 (landscape).
MIN_RATIO, MAX_RATIO = 4 / 5, 1.91
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_CAPABILITY_CODES = frozenset({3})  # "Application does not have the capability"


def hashtag_count(text: str) -> int:
    return len(_HASHTAG.findall(text))


def fit_note(width: int, height: int) -> str:
    """What happens to a photo of this size on Instagram, for the editor; or ""."""
    padded = padded_size(width, height)
    if padded == (width, height):
        return ""
    sides = _("at the sides") if padded[0] > width else _("above and below")
    return _(
        "Instagram shows photos from portrait 4:5 to landscape 1.91:1; this photo is "
        "%(width)s×%(height)s, so white bars are added %(sides)s rather than cutting "
        "anyone out."
    ) % {"width": width, "height": height, "sides": sides}


def padded_size(width: int, height: int) -> tuple[int, int]:
    """The smallest canvas within 4:5..1.91:1 that holds the whole picture."""
    ratio = width / height
    if ratio < MIN_RATIO:
        return round(height * MIN_RATIO + 0.5), height
    if ratio > MAX_RATIO:
        return width, round(width / MAX_RATIO + 0.5)
    return width, height


class InstagramNetwork(Network):
    """Posts to one Instagram professional account. Every call goes via `_request`."""

    name: ClassVar[str] = "instagram"
    label: ClassVar[str] = "Instagram"
    max_length: ClassVar[int] = MAX_CAPTION
    max_images: ClassVar[int] = 10
    supports_media: ClassVar[bool] = True
    supports_pin: ClassVar[bool] = False
    supports_delete: ClassVar[bool] = True
    image_mime_types: ClassVar[frozenset[str]] = frozenset({"image/jpeg"})
    needs_public_image_url: ClassVar[bool] = True
    needs_image: ClassVar[bool] = True

    def __init__(
        self,
        *,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        timeout: float | None = None,
        clock: Clock = time.time,
        on_credentials_change: Callable[[dict[str, str]], None] | None = None,
        graph_version: str | None = None,
        container_wait_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            credentials=credentials,
            base_url=base_url,
            timeout=timeout,
            clock=clock,
            on_credentials_change=on_credentials_change,
        )
        self.ig_user_id = self.credentials.get("ig_user_id", "")
        token = self.credentials.get("page_access_token")
        if not self.ig_user_id or not token:
            raise AuthExpired(
                "No Instagram account token is stored for this account; connect it "
                "again."
            )
        self.container_wait_seconds = (
            container_wait_seconds
            if container_wait_seconds is not None
            else settings.SOCIAL_INSTAGRAM_CONTAINER_WAIT_SECONDS
        )
        self._sleep = sleep
        self._session = requests.Session()
        self._graph = _GraphAPI(
            access_token=token,
            version=graph_version or settings.SOCIAL_FACEBOOK_GRAPH_VERSION,
            transport=self._request,
        )

    @classmethod
    def default_base_url(cls) -> str:
        return settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL

    @classmethod
    def photo_note(cls, *, width: int, height: int) -> str:
        return fit_note(width, height)

    @classmethod
    def prepare_image(cls, image: ImageFile) -> tuple[ImageFile, str]:
        """A JPEG within 4:5..1.91:1: padded with white, never cropped."""
        with Image.open(io.BytesIO(image.content)) as opened:
            picture = opened.convert("RGB")
        width, height = picture.size
        prepared = ImageFile(
            content=_padded_jpeg(picture, padded_size(width, height)),
            filename=image.filename.rsplit(".", 1)[0] + ".jpg",
            mime_type="image/jpeg",
            alt_text=image.alt_text,
            public_url=image.public_url,
        )
        note = fit_note(width, height)
        return prepared, note

    @classmethod
    def prepare_images(cls, images: list[ImageFile]) -> list[ImageFile]:
        """Each picture padded into range; in a carousel, every picture padded to the
        first one's shape too, since Instagram crops a carousel's pictures to it."""
        prepared = super().prepare_images(images)
        if len(prepared) < 2:
            return prepared
        first_width, first_height = _size(prepared[0].content)
        ratio = first_width / first_height
        return [prepared[0]] + [
            _padded_to(image, ratio=ratio) for image in prepared[1:]
        ]

    @classmethod
    def check_post(cls, *, text: str, images: list[ImageFile]) -> None:
        super().check_post(text=text, images=images)
        hashtags = hashtag_count(text)
        if hashtags > MAX_HASHTAGS:
            raise PermanentRefusal(
                f"Instagram allows {MAX_HASHTAGS} hashtags in a caption; this one has "
                f"{hashtags}."
            )
        if not images:
            raise PermanentRefusal(
                "An Instagram post needs a photo: choose one for this post, or leave "
                "Instagram out."
            )
        for image in images:
            if not image.public_url:
                raise PermanentRefusal(
                    "Instagram fetches each photo from a public address, and this "
                    "photo has none yet."
                )

    # --- posts -------------------------------------------------------------------
    def publish(
        self, *, text: str, images: list[ImageFile], link: str | None = None
    ) -> PublishResult:
        """Containers, a wait until Instagram has the pictures, then `media_publish`.

        A container left from an earlier attempt is never published again: a lost
        answer from `media_publish` is settled by the container's own status
        (PUBLISHED: the post is found and adopted).
        """
        caption = text_with_link(text, link)
        self.check_post(text=caption, images=images)
        self._check_publishing_limit()
        if len(images) == 1:
            [image] = images
            container = self._container(
                image_url=image.public_url, caption=caption, alt_text=image.alt_text
            )
            self._wait_until_finished(container)
        else:
            children = [
                self._container(
                    image_url=image.public_url,
                    alt_text=image.alt_text,
                    is_carousel_item="true",
                )
                for image in images
            ]
            for child in children:
                self._wait_until_finished(child)
            container = self._container(
                media_type="CAROUSEL", children=",".join(children), caption=caption
            )
            self._wait_until_finished(container)
        try:
            answer = self._graph.put_object(
                self.ig_user_id, "media_publish", creation_id=container
            )
        except OutcomeUnknown:
            found = self._published_from(container, caption=caption)
            if found is None:
                raise
            return found
        media_id = answer.get("id") if isinstance(answer, dict) else None
        if not media_id:
            found = self._published_from(container, caption=caption)
            if found is None:
                raise OutcomeUnknown(
                    "Instagram answered without the new post's id, so the post may "
                    "or may not have been made."
                )
            return found
        return PublishResult(remote_id=str(media_id), url=self._permalink(media_id))

    def retract(self, *, remote_id: str) -> RetractResult:
        """`DELETE /{ig-media-id}`; where Meta refuses the call, a person must."""
        try:
            answer = self._graph.delete_object(remote_id)
        except RemotePostMissing:
            return RetractResult(remote_id=remote_id, already_gone=True)
        except PermanentRefusal as error:
            if _capability_refused(error):
                raise DeletionNotOffered(
                    "Instagram does not let the school's app delete this post; a "
                    "manager must delete it in the Instagram app."
                ) from None
            raise
        if not answer.get("success"):
            raise PermanentRefusal(f"Instagram did not delete post {remote_id}.")
        return RetractResult(remote_id=remote_id)

    def recent_posts(
        self, *, since: datetime, include_photos: bool = False
    ) -> list[RemotePost]:
        """The account's media since `since`, newest first (`GET /{ig}/media`)."""
        unix_since = int(since.timestamp())
        posts: list[RemotePost] = []
        after: dict[str, str] = {}
        for _page in range(MAX_LIST_PAGES):
            answer = self._graph.get_connections(
                self.ig_user_id,
                "media",
                fields="id,caption,permalink,timestamp",
                limit="100",
                **after,
            )
            data = answer.get("data")
            if not isinstance(data, list) or not all(
                isinstance(item, dict) and item.get("id") for item in data
            ):
                raise PermanentRefusal(
                    "Instagram's list of the account's posts was garbled."
                )
            fresh = [
                {**item, "created_time": item.get("timestamp", "")}
                for item in data
                if _created_since(
                    {"created_time": item.get("timestamp", "")}, unix_since
                )
            ]
            posts += [
                RemotePost(
                    remote_id=str(item["id"]),
                    url=str(item.get("permalink") or ""),
                    text=str(item.get("caption") or ""),
                )
                for item in fresh
            ]
            cursor = ((answer.get("paging") or {}).get("cursors") or {}).get("after")
            if len(fresh) < len(data) or not (answer.get("paging") or {}).get("next"):
                return posts
            after = {"after": str(cursor)}
        raise PermanentRefusal(
            f"The account has more than {MAX_LIST_PAGES * 100} posts since the post "
            "was sent; they were not all read."
        )

    # --- the steps -------------------------------------------------------------------
    def _check_publishing_limit(self) -> None:
        answer = self._graph.get_connections(
            self.ig_user_id, "content_publishing_limit", fields="quota_usage,config"
        )
        data = (answer.get("data") or [{}])[0]
        used = data.get("quota_usage")
        total = (data.get("config") or {}).get("quota_total")
        window = (data.get("config") or {}).get("quota_duration") or 86400
        if isinstance(used, int) and isinstance(total, int) and used >= total:
            raise TransientNetworkError(
                f"Instagram allows {total} posts in {window // 3600} hours and the "
                "account has made them; the post waits and is sent when it can be.",
                retry_after=3600.0,
            )

    def _container(self, **fields: str) -> str:
        try:
            answer = self._graph.put_object(self.ig_user_id, "media", **fields)
        except OutcomeUnknown as error:
            # A container left behind is never published (it expires in 24 hours):
            # nothing needs looking for before trying again.
            raise TransientNetworkError(error.reason) from None
        container = answer.get("id") if isinstance(answer, dict) else None
        if not container:
            # Nothing is published without media_publish: trying again is safe.
            raise TransientNetworkError(
                "Instagram did not say which container it made."
            )
        return str(container)

    def _status(self, container: str) -> dict[str, Any]:
        return self._graph.request(
            f"{self._graph.version}/{container}",
            args={"fields": "status_code,status"},
        )

    def _wait_until_finished(self, container: str) -> None:
        """Poll the container until Instagram has fetched and checked the picture."""
        waited, pause = 0.0, 0.5
        while True:
            answer = self._status(container)
            code = answer.get("status_code")
            if code == "FINISHED":
                return
            if code == "ERROR":
                why = (answer.get("status") or "it gave no reason").rstrip(".")
                raise PermanentRefusal(
                    f"Instagram could not use the photo: {why}. If it could not "
                    "download it, the school's public web address must be reachable "
                    "from the internet (see the README)."
                )
            if code == "EXPIRED":
                raise TransientNetworkError(
                    "Instagram let the prepared post expire; it is prepared again."
                )
            if code == "PUBLISHED":
                raise PermanentRefusal(
                    "Instagram says this container was already used."
                )
            if waited >= self.container_wait_seconds:
                raise TransientNetworkError(
                    f"Instagram was still preparing the photo after {waited:.0f} "
                    "seconds; nothing was posted, and it is tried again later."
                )
            self._sleep(pause)
            waited += pause
            pause = min(pause * 2, 5.0)

    def _published_from(self, container: str, *, caption: str) -> PublishResult | None:
        """After a lost answer: the post the container became, or None if it did not."""
        try:
            status = self._status(container)
        except TransientNetworkError:
            return None
        if status.get("status_code") != "PUBLISHED":
            return None
        for post in self.recent_posts(
            since=datetime.fromtimestamp(self.clock() - 86400).astimezone()
        ):
            if post.text == caption:
                return PublishResult(remote_id=post.remote_id, url=post.url)
        return None

    def _permalink(self, media_id: str) -> str:
        answer = self._graph.request(
            f"{self._graph.version}/{media_id}", args={"fields": "permalink"}
        )
        return str(answer.get("permalink") or "")

    def _request(self, *, method: str, path: str, **kwargs: Any) -> Any:
        """The one way to the Graph API: timeout, usage headers, logging, errors."""
        return graph_request(
            session=self._session,
            base_url=self.base_url,
            method=method,
            path=path,
            timeout=self.timeout,
            network="Instagram",
            **kwargs,
        )


def _size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as picture:
        return picture.size


def _padded_to(image: ImageFile, *, ratio: float) -> ImageFile:
    """`image` on a white canvas of the given width:height, nothing cut off."""
    with Image.open(io.BytesIO(image.content)) as opened:
        picture = opened.convert("RGB")
    width, height = picture.size
    if abs(width / height - ratio) < 0.005:
        return image
    if width / height < ratio:
        canvas_size = (round(height * ratio + 0.5), height)
    else:
        canvas_size = (width, round(width / ratio + 0.5))
    return dataclasses.replace(image, content=_padded_jpeg(picture, canvas_size))


def _padded_jpeg(picture: Image.Image, canvas_size: tuple[int, int]) -> bytes:
    """The picture centred on a white canvas of `canvas_size`, as a JPEG."""
    if canvas_size != picture.size:
        canvas = Image.new("RGB", canvas_size, "white")
        canvas.paste(
            picture,
            (
                (canvas_size[0] - picture.width) // 2,
                (canvas_size[1] - picture.height) // 2,
            ),
        )
        picture = canvas
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _capability_refused(error: PermanentRefusal) -> bool:
    return any(f"(#{code})" in error.reason for code in _CAPABILITY_CODES)


# --- Connecting: Facebook Login, then the Instagram account linked to a Page ---------

#: Facebook Login permissions for publishing to a linked Instagram professional account.
INSTAGRAM_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_contents",
)
#: The Page fields that name its linked Instagram account.
PAGE_FIELDS = "id,name,access_token,instagram_business_account{id,username}"


def instagram_accounts(pages) -> list[dict[str, str]]:
    """Each granted Page's Instagram account: id, username and the Page's token."""
    return [
        {
            "ig_user_id": str(page.instagram_account["id"]),
            "username": str(page.instagram_account.get("username") or ""),
            "page_access_token": page.access_token,
        }
        for page in pages
        if page.instagram_account and page.instagram_account.get("id")
    ]
