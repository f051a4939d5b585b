"""Signal wiring for alerts; connected from AlertsConfig.ready().

- Wagtail's ``page_published``: write the page's alert and its ledger rows in the
  same transaction as the publish (a scheduled page: when it really goes live).
- ``page_unpublished`` (unpublish, expiry, takedown) and page deletion: withdraw.
- a term date saved (typed in): alert families who chose the calendar, when it is
  new or what they are told of it changed; deleted: withdraw. A calendar import
  (``term_dates_imported``) is one alert for every date it added or changed.
- anymail's ``tracking``: hard bounces and complaints suppress the address.
"""

from __future__ import annotations

from anymail.signals import tracking
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from cms.models import TermDate
from cms.term_dates_import import term_dates_imported, term_dates_importing

from .outbox import alerts_create_for_page, alerts_withdraw_for_page
from .term_date_alerts import (
    alert_for_imported_term_dates,
    alert_for_term_date,
    alerts_withdraw_for_term_date,
    announced,
)
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


def before_term_date_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._alerts_announced_before = None
        return
    stored = TermDate.objects.filter(pk=instance.pk).first()
    instance._alerts_announced_before = announced(stored) if stored else None


def on_term_date_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or term_dates_importing.get():
        return  # an import announces its dates together (on_term_dates_imported)
    alert_for_term_date(
        term_date=instance,
        before=None if created else getattr(instance, "_alerts_announced_before", None),
        now=timezone.now(),
    )


def on_term_dates_imported(sender, site, dates, **kwargs) -> None:
    alert_for_imported_term_dates(site=site, dates=dates, now=timezone.now())


def on_term_date_deleted(sender, instance, **kwargs) -> None:
    alerts_withdraw_for_term_date(term_date_id=instance.pk, now=timezone.now())


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    tracking_event_record(event=event, now=timezone.now())


def register() -> None:
    """Connect alerts' receivers."""
    page_published.connect(on_page_published, dispatch_uid=DISPATCH_PREFIX + "pub")
    page_unpublished.connect(
        on_page_unpublished, dispatch_uid=DISPATCH_PREFIX + "unpub"
    )
    pre_delete.connect(on_page_deleted, dispatch_uid=DISPATCH_PREFIX + "page_deleted")
    pre_save.connect(
        before_term_date_saved, sender=TermDate, dispatch_uid=DISPATCH_PREFIX + "td0"
    )
    post_save.connect(
        on_term_date_saved, sender=TermDate, dispatch_uid=DISPATCH_PREFIX + "td"
    )
    pre_delete.connect(
        on_term_date_deleted, sender=TermDate, dispatch_uid=DISPATCH_PREFIX + "td_del"
    )
    term_dates_imported.connect(
        on_term_dates_imported, dispatch_uid=DISPATCH_PREFIX + "td_import"
    )
    tracking.connect(on_tracking, dispatch_uid=DISPATCH_PREFIX + "tracking")
