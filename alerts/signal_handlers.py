"""Signal wiring for alerts; connected from AlertsConfig.ready().

- Wagtail's ``page_published``: write the page's alert and its ledger rows in the
  same transaction as the publish (a scheduled page: when it really goes live).
- ``page_unpublished`` (unpublish, expiry, takedown) and page deletion: withdraw.
- anymail's ``tracking``: hard bounces and complaints suppress the address.
"""

from __future__ import annotations

from anymail.signals import tracking
from django.db.models.signals import pre_delete
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .outbox import alerts_create_for_page, alerts_withdraw_for_page
from .tracking import tracking_event_record

DISPATCH_PREFIX = "alerts."


def on_page_published(sender, instance, **kwargs) -> None:
    alerts_create_for_page(page=instance, now=timezone.now())


def on_page_unpublished(sender, instance, **kwargs) -> None:
    alerts_withdraw_for_page(
        page_id=instance.pk,
        reason="The page was taken off the website before this was sent.",
        now=timezone.now(),
    )


def on_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) and instance.pk:
        alerts_withdraw_for_page(
            page_id=instance.pk,
            reason="The page was deleted before this was sent.",
            now=timezone.now(),
        )


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    tracking_event_record(event=event, now=timezone.now())


def register() -> None:
    """Connect alerts' receivers."""
    page_published.connect(on_page_published, dispatch_uid=DISPATCH_PREFIX + "pub")
    page_unpublished.connect(
        on_page_unpublished, dispatch_uid=DISPATCH_PREFIX + "unpub"
    )
    pre_delete.connect(on_page_deleted, dispatch_uid=DISPATCH_PREFIX + "page_deleted")
    tracking.connect(on_tracking, dispatch_uid=DISPATCH_PREFIX + "tracking")
