"""Public copies: the only way an image or document reaches a public URL (issue 9).

Uploads are private: originals, every rendition and documents live in the
``default`` storage, which no web server serves; staff reach them through the admin.
A medium is public only while a live, public page uses it and moderation's consent
rules clear it today (``is_publishable_now``). Then, and only then, it has *public
copies* in the ``public_media`` storage:

- for an image, one file per rendition the public site and API show
  (``PUBLIC_IMAGE_FILTERS``), upright and with all metadata stripped; each size the
  templates show comes in two or three widths (``RESPONSIVE_WIDTHS``) so a phone
  picks a small file from ``srcset`` (issue 16);
- for a document, a copy of the file with its hidden properties removed (author,
  title, XMP, custom fields: ``document_cleaning.py``); a file that cannot be
  cleaned gets no copy (issue 20).

Each copy has a random name (no uploaded file name, learner name or sequential id),
recorded in the item's ``public_files``. Copies are made when a page using the item
is saved live (publishing, scheduled go-live, revert...) and deleted when no live,
public page uses it any more (unpublished, expired, deleted, made login-only, edited
to drop it) or its consent clearance ends. Rendering reads ``public_files``, so a
page shows an item only if it has copies and is publishable now, without a query.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, ReferenceIndex

from .cdn_purge import public_copies_purge
from .document_cleaning import document_clean
from .document_contents import DocumentNotCleanable
from .image_cleaning import CleanImage, image_clean, is_animated
from .media_removals import MediaRemoval, item_school, removal_record
from .preparation.models import PagePreparation, PreparedMedium

logger = logging.getLogger(__name__)

PUBLIC_STORAGE = "public_media"

#: The widths each size the templates show is offered in (``srcset``), smallest
#: first: a phone's 358 px slot takes the smallest instead of the 960 px picture.
RESPONSIVE_WIDTHS = {
    "fill-600x400": ("fill-360x240", "fill-600x400"),
    "width-960": ("width-400", "width-720", "width-960"),
}
#: The layout slot each size fills (``sizes``), matching site.css: an article is at
#: most 44rem wide, cards fill the phone, then two and three columns.
RESPONSIVE_SIZES = {
    "fill-600x400": (
        "(max-width: 40rem) calc(100vw - 2rem), (max-width: 60rem) 50vw, 22rem"
    ),
    "width-960": "(max-width: 46rem) calc(100vw - 2rem), 44rem",
}
#: Every rendition the public templates and the API show. A filter used publicly
#: must be listed here, or the public site shows no picture for it.
PUBLIC_IMAGE_FILTERS = tuple(
    dict.fromkeys(
        [*(w for widths in RESPONSIVE_WIDTHS.values() for w in widths), "width-1200"]
    )
)
#: The longest side of the picture sent to a social network (X takes at most 5 MB).
SHARING_MAX_SIDE = 2048
DOCUMENT_KEY = "document"
#: In ``public_files``: the copies exist for an approved page still being prepared,
#: and nothing may show them until it is live (cms.preparation).
AWAITING_KEY = "awaiting"
#: A public file no item records is deleted once older than this (a publication in
#: progress writes its copies before it records them).
UNRECORDED_GRACE = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class PublicRendition:
    """A public copy of one rendition, as templates and the API show it."""

    url: str
    width: int
    height: int
    alt: str

    @property
    def full_url(self) -> str:
        if self.url.startswith("/"):
            return settings.WAGTAILAPI_BASE_URL + self.url
        return self.url


def _storage():
    return storages[PUBLIC_STORAGE]


def public_rendition(image, filter_spec: str) -> PublicRendition | None:
    """The public copy of ``image`` at ``filter_spec``, or None: show nothing.

    No query: reads the item's own fields. None unless the consent rules clear the
    image today and a live, public page made it public.
    """
    if image is None or not image.is_publishable_now:
        return None
    if (image.public_files or {}).get(AWAITING_KEY):
        return None
    copy = (image.public_files or {}).get("files", {}).get(filter_spec)
    if copy is None:
        return None
    return PublicRendition(
        url=_storage().url(copy["name"]),
        width=copy["width"],
        height=copy["height"],
        alt=image.default_alt_text,
    )


def public_srcset(image, filter_spec: str) -> str:
    """``srcset`` for ``image`` shown at ``filter_spec``: each public width, or "".

    Widths whose copy is missing (made before this size existed, until the check
    makes them again) are left out; the ``src`` still works alone. No query.
    """
    candidates: dict[int, str] = {}
    for width_spec in RESPONSIVE_WIDTHS.get(filter_spec, ()):
        rendition = public_rendition(image, width_spec)
        # A small original gives the same width twice: offer it once.
        if rendition is not None and rendition.width not in candidates:
            candidates[rendition.width] = f"{rendition.url} {rendition.width}w"
    return ", ".join(candidates.values()) if len(candidates) > 1 else ""


def public_document_url(document) -> str | None:
    """The public copy's URL of ``document``, or None while it is private."""
    if document is None or not document.is_publishable_now:
        return None
    if (document.public_files or {}).get(AWAITING_KEY):
        return None
    copy = (document.public_files or {}).get("files", {}).get(DOCUMENT_KEY)
    return _storage().url(copy["name"]) if copy else None


def image_for_sharing(image) -> CleanImage:
    """The picture sent to a social network: upright, no metadata (issue 9).

    Made from the original (Wagtail's renditions keep the camera's EXIF), at most
    ``SHARING_MAX_SIDE`` pixels on a side.
    """
    with image.open_file() as handle:
        return image_clean(handle.read(), max_side=SHARING_MAX_SIDE)


def sharing_copy_save(*, content: bytes, extension: str) -> str:
    """A public copy for a network that fetches a picture itself (Instagram).

    Made for one send of an approved post and deleted right after it
    (``sharing_copy_delete``); a copy left by a crash is unrecorded, so
    ``public_media_reconcile`` deletes it after ``UNRECORDED_GRACE``. Returns its
    absolute address (``WAGTAILAPI_BASE_URL``: the school's public web address).
    """
    name = _storage().save(random_file_name("sharing", extension), ContentFile(content))
    url = _storage().url(name)
    return settings.WAGTAILAPI_BASE_URL + url if url.startswith("/") else url


def sharing_copy_delete(*, url: str) -> None:
    """Delete a copy ``sharing_copy_save`` made, by the address it returned."""
    marker = "sharing/"
    if marker in url:
        _storage().delete(marker + url.rsplit(marker, 1)[1])


def random_file_name(folder: str, extension: str) -> str:
    """An unguessable name: nothing of the upload, the learners or the item's id."""
    return f"{folder}/{secrets.token_urlsafe(24)}.{extension.lower()}"


# --- Which pages use which media ------------------------------------------------


def media_used_by(page) -> tuple[set[int], set[int]]:
    """Ids of the images and documents ``page``'s current content uses.

    Read from the page object itself (fields, StreamFields, rich text, inline
    children) with the reference index's extractor, so it is right before the index
    has caught up with this save.
    """
    image_type = ReferenceIndex._get_base_content_type(get_image_model()).pk
    document_type = ReferenceIndex._get_base_content_type(get_document_model()).pk
    images: set[int] = set()
    documents: set[int] = set()
    extracted = ReferenceIndex._extract_references_from_object(page.specific)
    for content_type_id, object_id, *_ in extracted:
        if not str(object_id).isdigit():
            continue
        if content_type_id == image_type:
            images.add(int(object_id))
        elif content_type_id == document_type:
            documents.add(int(object_id))
    return images, documents


def _other_live_public_pages_use(item, *, page_id: int | None) -> bool:
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = {
        int(pk)
        for pk in ReferenceIndex.get_references_to(item)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    page_ids.discard(page_id)
    return Page.objects.live().public().filter(pk__in=page_ids).exists()


def _approved_page_awaits(item) -> bool:
    """An approved page is waiting for this item's copies (cms.preparation)."""
    kind = (
        PreparedMedium.Kind.IMAGE
        if isinstance(item, get_image_model())
        else PreparedMedium.Kind.DOCUMENT
    )
    return PreparedMedium.objects.filter(
        kind=kind,
        object_id=item.pk,
        preparation__status=PagePreparation.Status.PREPARING,
    ).exists()


def media_needing_copies(page) -> tuple[list, list]:
    """The images and documents ``page`` would show that have no current copies.

    What publishing ``page`` now would copy inside the request: empty when the page
    is login-only or every item it uses is already public (or is never shown).
    """
    if page.pk is not None and page.get_view_restrictions().exists():
        return [], []
    image_ids, document_ids = media_used_by(page)
    needing: tuple[list, list] = ([], [])
    login_only: dict[int, bool] = {}  # per collection: a gallery has one or two
    for model, ids, found in (
        (get_image_model(), image_ids, needing[0]),
        (get_document_model(), document_ids, needing[1]),
    ):
        items = model.objects.filter(pk__in=ids).select_related("collection")
        for item in items.order_by("pk"):
            if item.collection_id not in login_only:
                login_only[item.collection_id] = (
                    item.collection.get_view_restrictions().exists()
                )
            shown = (
                item.is_publishable_now
                and not getattr(item, "file_problem", "")
                and not login_only[item.collection_id]
            )
            current = (item.public_files or {}).get("source") == _source_key(item)
            if shown and not current:
                found.append(item)
    return needing


# --- Making and removing copies -------------------------------------------------


def _source_key(item) -> str:
    """Changes when the file is replaced or the sizes change: copies are made again."""
    key = f"{item.file.name}:{getattr(item, 'file_hash', '')}"
    if isinstance(item, get_image_model()):
        key += ":" + ",".join(PUBLIC_IMAGE_FILTERS)
    else:
        key += ":cleaned"  # copies made byte for byte, before issue 20, are remade
    return key


def _animated_copies(image) -> dict[str, CleanImage] | None:
    """Each public size of an animated picture, every frame kept; None for a still.

    Wagtail's renditions (Pillow) keep the first frame only, so an animation is
    cropped and scaled here, frame by frame, to the size each filter gives it.
    """
    with image.open_file() as handle:
        original = handle.read()
    if not is_animated(original):
        return None
    copies = {}
    for filter_spec in PUBLIC_IMAGE_FILTERS:
        transform = Filter(spec=filter_spec).get_transform(image)
        rect = transform.get_rect()
        box = tuple(
            round(side) for side in (rect.left, rect.top, rect.right, rect.bottom)
        )
        size = tuple(round(side) for side in transform.size)
        copies[filter_spec] = image_clean(original, region=(box, size))
    return copies


def _still_copies(image) -> dict[str, CleanImage]:
    copies = {}
    renditions = image.get_renditions(*PUBLIC_IMAGE_FILTERS)  # opens the file once
    for filter_spec, rendition in renditions.items():
        with rendition.file.open("rb") as handle:
            copies[filter_spec] = image_clean(handle.read())
    return copies


def _copy_image(image) -> dict:
    files = {}
    copies = _animated_copies(image) or _still_copies(image)
    for filter_spec, clean in copies.items():
        name = _storage().save(
            random_file_name("images", clean.extension), ContentFile(clean.content)
        )
        files[filter_spec] = {
            "name": name,
            "width": clean.width,
            "height": clean.height,
        }
    return files


def _copy_document(document) -> dict:
    """The document without its hidden properties; raises ``DocumentNotCleanable``."""
    extension = document.file_extension or "bin"
    with document.open_file() as handle:
        content = document_clean(handle.read(), extension=extension)
    name = _storage().save(
        random_file_name("documents", extension), ContentFile(content)
    )
    return {DOCUMENT_KEY: {"name": name}}


def _names(public_files: dict) -> list[str]:
    return [copy["name"] for copy in (public_files or {}).get("files", {}).values()]


def media_sync(
    *, item, page_id: int | None = None, page_publishes_item: bool = False
) -> bool:
    """Make ``item``'s public copies match the rule; returns whether it is public.

    Wanted while a live, public page uses it or an approved page is being prepared
    with it (its copies exist before that page goes live; nothing links to them
    until it does).

    Args:
        item: an image or document.
        page_id: the page being saved or deleted now; the reference index may not
            have caught up with it, so its use is given by ``page_publishes_item``.
        page_publishes_item: whether that page is live, public and uses ``item``.
    """
    shown_live = page_publishes_item or _other_live_public_pages_use(
        item, page_id=page_id
    )
    # Copies made before the page goes live are marked, and nothing shows them.
    awaiting = not shown_live and _approved_page_awaits(item)
    wanted = (
        item.is_publishable_now
        and (shown_live or awaiting)
        and not item.collection.get_view_restrictions().exists()  # login-only
        and not getattr(item, "file_problem", "")  # a document it cannot clean
    )
    with transaction.atomic():
        # Locked, so two publications at once never leave a copy nobody records.
        current = (
            type(item)
            .objects.select_for_update()
            .values_list("public_files", flat=True)
            .get(pk=item.pk)
        ) or {}
        if wanted and current.get("source") == _source_key(item):
            if bool(current.get(AWAITING_KEY)) != awaiting:
                current = {**current, AWAITING_KEY: awaiting}
                type(item).objects.filter(pk=item.pk).update(public_files=current)
            item.public_files = current
            return True
        if not wanted and not current:
            item.public_files = {}
            return False
        public_files = {}
        if wanted:
            is_image = isinstance(item, get_image_model())
            try:
                files = _copy_image(item) if is_image else _copy_document(item)
            except DocumentNotCleanable as refusal:
                # Read on upload, so the rules refused it already; a file changed
                # in storage since stays private rather than go out uncleaned.
                wanted = False
                logger.warning(
                    "Document %s could not be cleaned: %s",
                    item.pk,
                    refusal.reason,
                    extra={"event": "public_media.not_cleanable", "item_id": item.pk},
                )
            else:
                public_files = {
                    "source": _source_key(item),
                    "files": files,
                    AWAITING_KEY: awaiting,
                }
        type(item).objects.filter(pk=item.pk).update(public_files=public_files)
        item.public_files = public_files
    public_files_delete(names=_names(current), item=item)
    logger.info(
        "%s %s is %s",
        type(item).__name__,
        item.pk,
        "public" if wanted else "private",
        extra={"event": "public_media.sync", "item_id": item.pk, "public": wanted},
    )
    return wanted


def public_copies_delete(*, item) -> None:
    """Delete every public copy of ``item`` (it is being deleted)."""
    public_files_delete(names=_names(item.public_files), item=item)


def public_files_delete_now(names: list[str]) -> list[str]:
    """Delete these public files from the storage; returns the ones it refused.

    Raises nothing: a storage that is down or refuses (S3 unreachable, a permission)
    leaves the name in the returned list, to be kept and tried again.
    """
    for done, name in enumerate(names):
        try:
            _storage().delete(name)
        except Exception:  # noqa: BLE001
            # Any storage error (botocore's, OSError...): this and the rest are kept
            # for a retry (a storage that is down would make each wait its time-out),
            # and the public-copy gate already refuses them.
            logger.warning(
                "Could not delete public copy %s",
                name,
                exc_info=True,
                extra={"event": "public_media.delete_failed"},
            )
            return list(names[done:])
    return []


def public_files_delete(*, names: list[str], item=None) -> None:
    """Delete removed public copies now, keep any the storage refused for a retry,
    and have the CDN forget them and the pages that showed them.

    The copies' names are already gone from the database (the caller's transaction),
    so the site stops showing them at once whatever the storage does.
    """
    if not names:
        return
    failed = public_files_delete_now(names)
    if failed:
        removal_record(
            kind=MediaRemoval.Kind.STORAGE,
            targets=failed,
            site=item_school(item),
            attempts=1,
            error=gettext("The storage could not be reached to delete the copies."),
        )
    public_copies_purge(names=names, item=item)


def page_media_sync(*, page, used_before: tuple[set[int], set[int]] = (set(), set())):
    """After ``page`` was saved or deleted: copies for what it uses, none for the rest.

    ``used_before`` is what the page's previous live content used, so media the
    page no longer shows are made private unless another live, public page uses them.
    """
    public = (
        page.pk is not None
        and page.live
        and Page.objects.live().public().filter(pk=page.pk).exists()
    )
    exists = public or Page.objects.filter(pk=page.pk).exists()
    used_now = media_used_by(page) if exists and page.live else (set(), set())
    for model, now, before in (
        (get_image_model(), used_now[0], used_before[0]),
        (get_document_model(), used_now[1], used_before[1]),
    ):
        for item in model.objects.filter(pk__in=now | before):
            media_sync(
                item=item,
                page_id=page.pk,
                page_publishes_item=public and item.pk in now,
            )


def public_media_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Remove every public copy that should not exist any more; returns how many.

    The catch-up for changes no signal reports (a view restriction added to a live
    page, a page unpublished by a queryset update, a consent end date passing), and
    for files in the public storage that no item records (a crash between writing a
    copy and recording it). It never makes copies for an item that had none: only
    publishing a page does.
    """
    removed = 0
    recorded: set[str] = set()
    for model in (get_image_model(), get_document_model()):
        for item in model.objects.exclude(public_files={}):
            if not media_sync(item=item):
                removed += 1
            recorded.update(_names(item.public_files))
    removed += _unrecorded_files_delete(
        recorded=recorded, before=(now or timezone.now()) - UNRECORDED_GRACE
    )
    return removed


def _unrecorded_files_delete(*, recorded: set[str], before) -> int:
    """Delete public files no item records, once older than a publication takes."""
    storage = _storage()
    deleted = 0
    for folder in ("images", "documents"):
        if not storage.exists(folder):
            continue
        for file_name in storage.listdir(folder)[1]:
            name = f"{folder}/{file_name}"
            if name in recorded or storage.get_modified_time(name) > before:
                continue
            public_files_delete(names=[name])
            deleted += 1
            logger.warning(
                "Deleted an unrecorded public file",
                extra={"event": "public_media.unrecorded_deleted"},
            )
    return deleted
