"""What starts a new content generation (and so empties the page cache).

Publishing, unpublishing and expiry (Wagtail's signals, which ``publish_scheduled``
sends too), any saved or deleted page, image, document, term date, category, site,
view restriction, redirect, school languages or locale. Saves that only record a
draft (a new revision, a lock) change nothing the public sees and are ignored.
Consent withdrawal arrives both as the image's own save (its withdrawal flag) and
as moderation's ``consent_withdrawn`` signal, which moderation connects to
``content_changed``.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from cms.languages import SchoolLanguages
from cms.models import NewsCategory, SchoolDocument, SchoolImage, TermDate

from .generation import content_changed

DISPATCH_PREFIX = "cms.caching."
# Page fields Wagtail writes when a draft is saved, submitted, locked or scheduled.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_id",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "locked_by_id",
        "go_live_at",
        "expire_at",
    }
)
CONTENT_MODELS = (
    SchoolImage,
    SchoolDocument,
    TermDate,
    NewsCategory,
    Site,
    SchoolLanguages,
    Locale,
    PageViewRestriction,
    Redirect,
)


def on_page_event(sender, instance=None, **kwargs) -> None:
    """Published, unpublished (also on expiry) or moved: the public site changed."""
    content_changed(reason=f"page {getattr(instance, 'pk', None)} changed")


def on_page_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return  # a draft or a lock: nothing public changed
    content_changed(reason=f"page {instance.pk} saved")


def on_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        content_changed(reason=f"page {instance.pk} deleted")


def on_content_saved_or_deleted(sender, instance, **kwargs) -> None:
    content_changed(reason=f"{sender.__name__} {instance.pk} changed")


def register() -> None:
    """Connect the receivers (from ``CmsConfig.ready``)."""
    page_published.connect(on_page_event, dispatch_uid=DISPATCH_PREFIX + "published")
    page_unpublished.connect(
        on_page_event, dispatch_uid=DISPATCH_PREFIX + "unpublished"
    )
    page_slug_changed.connect(on_page_event, dispatch_uid=DISPATCH_PREFIX + "slug")
    post_page_move.connect(on_page_event, dispatch_uid=DISPATCH_PREFIX + "moved")
    post_save.connect(on_page_saved, dispatch_uid=DISPATCH_PREFIX + "page_saved")
    post_delete.connect(on_page_deleted, dispatch_uid=DISPATCH_PREFIX + "page_deleted")
    for model in CONTENT_MODELS:
        for signal, action in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                on_content_saved_or_deleted,
                sender=model,
                dispatch_uid=f"{DISPATCH_PREFIX}{model._meta.label_lower}.{action}",
            )
