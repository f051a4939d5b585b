"""Devices that asked for push notifications: subscribing, changing, unsubscribing.

A device subscribes from "notify me on this device" (alerts/views_push.py): the
browser asks its owner's permission after a tap, and hands us its push
subscription. Only addresses of known push services are kept, because the worker
POSTs to them: a stranger cannot make the school's server call any URL they like.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Site

from .models import AlertPush, Category, PushDevice
from .push_keys import b64url_decode


class DeviceRefused(ValueError):
    """The subscription cannot be kept; the message says why, for the family."""


def push_service_allowed(endpoint: str) -> bool:
    """Whether ``endpoint`` is at a known push service (https), or a listed extra."""
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if origin in (extra.lower() for extra in settings.ALERTS_PUSH_EXTRA_SERVICES):
        return True
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    return any(
        host.endswith(allowed) or host == allowed.lstrip(".")
        for allowed in settings.ALERTS_PUSH_SERVICE_HOSTS
    )


def clean_categories(categories) -> list[str]:
    """Known categories only, in a fixed order; at least one."""
    if not isinstance(categories, list) or not all(
        isinstance(each, str) for each in categories
    ):
        raise DeviceRefused(_("Choose at least one kind of update."))
    chosen = [category for category in Category.values if category in categories]
    if not chosen:
        raise DeviceRefused(_("Choose at least one kind of update."))
    return chosen


def _check_keys(p256dh, auth) -> None:
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
    except ValueError as error:
        raise DeviceRefused(
            _("This browser sent a subscription we cannot use. Please try again.")
        ) from error
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise DeviceRefused(
            _("This browser sent a subscription we cannot use. Please try again.")
        )


@transaction.atomic
def device_subscribe(
    *,
    site: Site,
    endpoint,
    p256dh,
    auth,
    categories,
    source_page: str,
    now: datetime,
) -> PushDevice:
    """Keep (or update) the device's subscription and what it wants to hear about.

    Raises:
        DeviceRefused: not a push service we send to, bad keys, or no category.
    """
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        raise DeviceRefused(_("This browser's push service is not one we can use."))
    if not push_service_allowed(endpoint):
        raise DeviceRefused(_("This browser's push service is not one we can use."))
    _check_keys(p256dh, auth)
    chosen = clean_categories(categories)
    device, created = PushDevice.objects.select_for_update().get_or_create(
        site=site,
        endpoint=endpoint,
        defaults={
            "p256dh": p256dh,
            "auth": auth,
            "categories": PushDevice.categories_value(chosen),
        },
    )
    consent = {
        "agreed_at": now.isoformat(),
        "categories": chosen,
        "source_page": source_page[:500],
        "how": "the browser's notification permission, after a tap on the button",
    }
    if not created:
        device.p256dh, device.auth = p256dh, auth
        device.categories = PushDevice.categories_value(chosen)
        AlertPush.objects.filter(device=device, status=AlertPush.Status.QUEUED).exclude(
            alert__category__in=chosen
        ).update(
            status=AlertPush.Status.CANCELLED,
            reason="The device stopped this kind of update.",
        )
    device.consent = consent
    device.save()
    return device


@transaction.atomic
def device_unsubscribe(*, site: Site, endpoint) -> bool:
    """Forget the device; nothing more is sent to it, including pushes waiting.

    Returns:
        Whether this school had the device.
    """
    device = PushDevice.objects.filter(site=site, endpoint=endpoint).first()
    if device is None:
        return False
    AlertPush.objects.filter(device=device, status=AlertPush.Status.QUEUED).update(
        status=AlertPush.Status.CANCELLED, reason="The device unsubscribed."
    )
    device.delete()
    return True


def push_devices_for(*, site: Site, category: str):
    """The school's devices that hear about ``category``."""
    return PushDevice.objects.filter(site=site, categories__contains=f" {category} ")
