"""Notifications on this device: the page, its one script, the service worker, and the
addresses the script sends the browser's push subscription to.

The page works as a page without JavaScript (it explains, and offers email instead);
the "notify me on this device" button is the public site's only script, and this
page's Content-Security-Policy allows exactly that file, the service worker and the
two addresses it posts to (every other page allows no script at all). The browser
asks for permission only after the button is pressed: never on its own.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import DeviceChoicesForm
from .messages import school_name
from .push_devices import DeviceRefused, device_subscribe, device_unsubscribe
from .push_keys import push_enabled
from .schools import current_school
from .views import too_many_sign_ups

OPT_IN_SCRIPT = "alerts/push-opt-in.js"
MAX_BODY_BYTES = 8 * 1024


def _exact_policy(request: HttpRequest) -> dict[str, list[str]]:
    """This page's script, worker and the two addresses it posts to; nothing else."""

    def absolute(path: str) -> str:
        return request.build_absolute_uri(path)

    return {
        "script-src": [absolute(static(OPT_IN_SCRIPT))],
        "worker-src": [absolute(reverse("alerts:service_worker"))],
        "connect-src": [
            absolute(reverse("alerts:device_subscribe")),
            absolute(reverse("alerts:device_unsubscribe")),
        ],
    }


@never_cache
@require_GET
def device(request: HttpRequest) -> HttpResponse:
    current_school(request)
    enabled = push_enabled()
    response = render(
        request,
        "alerts/device.html",
        {
            "enabled": enabled,
            "form": DeviceChoicesForm(),
            "public_key": settings.ALERTS_PUSH_VAPID_PUBLIC_KEY,
        },
    )
    if enabled:
        response._csp_replace = _exact_policy(request)
    return response


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise DeviceRefused(_("That was too much to be a push subscription."))
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise DeviceRefused(
            _("This browser sent a subscription we cannot use. Please try again.")
        ) from error
    if not isinstance(data, dict):
        raise DeviceRefused(
            _("This browser sent a subscription we cannot use. Please try again.")
        )
    return data


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@never_cache
@require_POST
def device_subscribe_view(request: HttpRequest) -> JsonResponse:
    """The script posts ``{"subscription": {...}, "categories": [...]}``."""
    site = current_school(request)
    if not push_enabled():
        return _refused(_("Notifications are not available on this website."), 404)
    if too_many_sign_ups(request):
        return _refused(
            _("Too many sign-ups have come from your network in the last hour."), 429
        )
    try:
        data = _json_body(request)
        subscription = data.get("subscription")
        if not isinstance(subscription, dict):
            subscription = {}
        keys = subscription.get("keys")
        if not isinstance(keys, dict):
            keys = {}
        device_subscribe(
            site=site,
            endpoint=subscription.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            categories=data.get("categories"),
            source_page=request.META.get("HTTP_REFERER", ""),
            now=timezone.now(),
        )
    except DeviceRefused as error:
        return _refused(str(error))
    return JsonResponse(
        {
            "ok": True,
            "message": _(
                "Done: this device will be notified of %(school)s's updates you chose."
            )
            % {"school": school_name(site)},
        }
    )


@never_cache
@require_POST
def device_unsubscribe_view(request: HttpRequest) -> JsonResponse:
    """The script posts ``{"endpoint": "..."}`` after unsubscribing in the browser."""
    site = current_school(request)
    try:
        endpoint = _json_body(request).get("endpoint")
    except DeviceRefused as error:
        return _refused(str(error))
    if not isinstance(endpoint, str):
        return _refused(_("This browser did not say which subscription to stop."))
    device_unsubscribe(site=site, endpoint=endpoint)
    # The same answer whether or not we had it: the device is not notified either way.
    return JsonResponse(
        {"ok": True, "message": _("Done: this device will not be notified any more.")}
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Shows each push as a notification; a tap opens the page it is about."""
    response = render(
        request,
        "alerts/service-worker.js",
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest an iPhone needs ("Add to Home Screen") before it can be
    notified; it opens on the notifications page."""
    site = current_school(request)
    data = {
        "name": school_name(site),
        "short_name": school_name(site)[:30],
        "start_url": reverse("alerts:device"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d3557",
        "icons": [
            {
                "src": static("site/crest.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )
