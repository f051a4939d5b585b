"""Signal wiring for publishing; connected from PublishingConfig.ready().

- Wagtail's ``page_published``: write the page's deliveries in the same transaction.
- ``page_unpublished`` (unpublish, expiry, takedown) and page deletion: retract.
- moderation's ``consent_withdrawn``: retract every post that carried the images (C1).
- An image deleted from the media library: retract every post that carried it.
- moderation's ``content_taken_down``: retract the posts a takedown request names (I4).
- A manager deactivated or removed: re-check the account's two managers (A2, A3).
- A holiday edited or deleted in the term calendar: its notice follows (M1).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from cms.models import NoticePage, TermDate
from moderation.signals import (
    TakedownRetraction,
    consent_withdrawn,
    content_taken_down,
)
from publishing.models import SocialAccount
from publishing.services import accounts as account_services
from publishing.services import closures as closure_services
from publishing.services import deliveries as delivery_services
from publishing.services import holiday_notices as holiday_notice_services

DISPATCH_PREFIX = "publishing."


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    """Part 5: one delivery per chosen account, written with the publish itself.

    An alias shows another page's content at a second address: the original's
    deliveries already carry it, so an alias never posts.
    """
    if getattr(instance, "alias_of_id", None):
        return
    if not instance.live:
        # Wagtail sends page_published when an approved page is only *scheduled*:
        # its posts go when it really goes live (the go-live job publishes it).
        return
    if isinstance(instance, NoticePage):
        closure_services.closure_posts_fill(notice=instance)
    user = getattr(revision, "user", None) if revision is not None else None
    delivery_services.deliveries_create_for_page(
        page=instance, revision=revision, user=user
    )


def on_page_unpublished(sender, instance, **kwargs) -> None:
    """Part 6: an unpublished or expired page leaves the networks too (M3)."""
    delivery_services.deliveries_retract_for_page(
        page_id=instance.pk,
        reason="The page was unpublished on the website.",
        now=timezone.now(),
    )


def on_page_deleted(sender, instance, **kwargs) -> None:
    """Part 6: a deleted page's posts are deleted from the networks."""
    if isinstance(instance, Page) and instance.pk:
        delivery_services.deliveries_retract_for_page(
            page_id=instance.pk,
            reason="The page was deleted from the website.",
            now=timezone.now(),
        )


def on_term_date_saved(sender, instance, created=False, **kwargs) -> None:
    """A holiday edited after its notice was drafted: the notice follows it."""
    if not created:
        holiday_notice_services.holiday_notices_follow(
            holiday=instance, now=timezone.now()
        )


def on_term_date_deleted(sender, instance, **kwargs) -> None:
    """A holiday deleted from the term calendar: its notice is withdrawn."""
    holiday_notice_services.holiday_notices_withdraw_for(holiday=instance)


def on_consent_withdrawn(
    sender, image_ids=(), learner_id=None, reason="", **kwargs
) -> None:
    """C1: when consent goes, every post that ever pictured the learner comes down.

    Found through the ledger's record of who each post pictured, not only through
    the images tagged today: a photo retagged or deleted since still comes down.
    """
    delivery_services.deliveries_retract_for_images(
        image_ids=list(image_ids),
        learner_id=learner_id,
        reason=f"Consent withdrawn: {reason}" if reason else "Consent withdrawn.",
        now=timezone.now(),
    )


def on_image_deleted(sender, instance, **kwargs) -> None:
    """An image deleted from the library leaves the networks too, in every state."""
    if instance.pk:
        delivery_services.deliveries_retract_for_images(
            image_ids=[instance.pk],
            reason="The image was deleted from the media library.",
            now=timezone.now(),
        )


def on_content_taken_down(
    sender, page_ids=(), image_ids=(), post_urls=(), reason="", **kwargs
) -> TakedownRetraction:
    """I4: a takedown deletes the page's posts, the image's posts and named posts."""
    retracted = delivery_services.deliveries_retract_for_takedown(
        page_ids=list(page_ids),
        image_ids=list(image_ids),
        post_urls=list(post_urls),
        reason=reason,
        now=timezone.now(),
    )
    return TakedownRetraction(
        posts=len(retracted.deliveries), unknown_urls=retracted.unknown_urls
    )


def on_user_saved(sender, instance, created=False, **kwargs) -> None:
    """A3: a member of staff who leaves (deactivated) stops counting as a manager."""
    if not created and not instance.is_active:
        account_services.accounts_check_managers_of(user=instance)


def on_managers_changed(sender, instance, action, **kwargs) -> None:
    """A2: removing a manager may leave an account with fewer than two."""
    if action in ("post_remove", "post_clear") and isinstance(instance, SocialAccount):
        account_services.account_check_managers(account=instance)


def register() -> None:
    """Connect publishing's receivers."""
    page_published.connect(on_page_published, dispatch_uid=DISPATCH_PREFIX + "pub")
    page_unpublished.connect(
        on_page_unpublished, dispatch_uid=DISPATCH_PREFIX + "unpub"
    )
    pre_delete.connect(on_page_deleted, dispatch_uid=DISPATCH_PREFIX + "page_deleted")
    post_save.connect(
        on_term_date_saved, sender=TermDate, dispatch_uid=DISPATCH_PREFIX + "term"
    )
    pre_delete.connect(
        on_term_date_deleted,
        sender=TermDate,
        dispatch_uid=DISPATCH_PREFIX + "term_deleted",
    )
    pre_delete.connect(
        on_image_deleted,
        sender=get_image_model(),
        dispatch_uid=DISPATCH_PREFIX + "image_deleted",
    )
    consent_withdrawn.connect(
        on_consent_withdrawn, dispatch_uid=DISPATCH_PREFIX + "consent_withdrawn"
    )
    content_taken_down.connect(
        on_content_taken_down, dispatch_uid=DISPATCH_PREFIX + "content_taken_down"
    )
    post_save.connect(
        on_user_saved, sender=get_user_model(), dispatch_uid=DISPATCH_PREFIX + "user"
    )
    m2m_changed.connect(
        on_managers_changed,
        sender=SocialAccount.managers.through,
        dispatch_uid=DISPATCH_PREFIX + "managers",
    )
