"""A parent taps "notify me on this device" in Chromium, under the production policy.

Chromium's push service is Google's (its GCM client; the endpoint it hands out is
always fcm.googleapis.com, and delivery to the browser is Google's own protocol), so
it cannot be pointed at the local push service. What is real here: the page, its one
script running under the exact Content-Security-Policy (no violation), Chromium's
notification permission (granted as a tap on "Allow" would), the service worker
registering, the script posting the subscription with its CSRF token, the school
storing it, the worker encrypting and signing the closure to the local push service,
which checks and reads it, and Chromium's service worker showing that message as a
notification (delivered by Chromium's own DevTools push-delivery command), then
"Stop notifications" forgetting the device. The one stand-in: ``pushManager`` hands
the script the emulated device's subscription instead of asking Google for one.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from wagtail.models import Site

from alerts.models import PushDevice
from alerts.push_sending import alert_pushes_send_due
from config.settings import csp as csp_settings
from tests.alerts.conftest import closure, push_turned_on
from tests.school_site import build_school_site

CSP_MIDDLEWARE = "cms.content_security_policy.SiteContentSecurityPolicyMiddleware"
DEVICE_SUBSCRIPTION = """
(subscription) => {
  const emulated = {
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => Promise.resolve(true),
  };
  let current = null;
  PushManager.prototype.subscribe = function () {
    current = emulated;
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(current);
  };
}
"""


@pytest.fixture
def push(settings, push_service):
    return push_turned_on(settings, push_service)


@pytest.fixture
def school_with_push(transactional_db, live_server, settings, push):
    settings.CONTENT_SECURITY_POLICY = csp_settings.CONTENT_SECURITY_POLICY
    settings.CSP_ADMIN_PREFIXES = csp_settings.CSP_ADMIN_PREFIXES
    settings.CONTENT_SECURITY_POLICY_ADMIN = csp_settings.CONTENT_SECURITY_POLICY_ADMIN
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        CSP_MIDDLEWARE,
        *settings.MIDDLEWARE[1:],
    ]
    site = Site.objects.get(is_default_site=True)
    return build_school_site(site.root_page.specific)


def test_a_parent_subscribes_this_device_and_is_notified_of_a_closure(
    live_server,
    school_with_push,
    push,
    browser,
):
    device = push.new_device(
        application_server_key=__import__(
            "django.conf"
        ).conf.settings.ALERTS_PUSH_VAPID_PUBLIC_KEY
    )
    context = browser.new_context()
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security" in m.text else None,
    )
    page.add_init_script(f"({DEVICE_SUBSCRIPTION})({json.dumps(device)})")

    page.goto(live_server.url + "/updates/device/")
    page.get_by_label("News").check()
    page.get_by_role("button", name="Notify me on this device").click()
    status = page.locator("[data-push-status]")
    status.filter(has_text="Done").wait_for()
    assert "this device will be notified" in status.inner_text()

    stored = PushDevice.objects.get()
    assert stored.endpoint == device["endpoint"]
    assert stored.category_list == ["urgent", "news"]
    worker_url = page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.active.scriptURL)"
    )
    assert worker_url == live_server.url + "/updates/device/service-worker.js"

    # The head approves a closure; the worker sends it to the push service.
    notice = closure(school_with_push.notices)
    notice.save_revision().publish()
    site = notice.get_site()
    assert alert_pushes_send_due(site_id=site.pk, now=timezone.now()).sent == 1
    [message] = push.shown(device["endpoint"])

    # Chromium delivers that message to the school's service worker, which shows it.
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate("1")  # a round trip: the registration events are dispatched
    registration = next(r for r in registrations if r["scopeURL"] == scope)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(message.payload),
        },
    )
    shown = page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(n => n.length ? n.map(x => [x.title, x.body]) : null)"
    ).json_value()
    assert shown == [
        [
            "Meadowbank Primary School: Snow: school closed today",
            "The school is closed today because of snow.",
        ]
    ]

    page.get_by_role("button", name="Stop notifications on this device").click()
    status.filter(has_text="not be notified").wait_for()
    assert not PushDevice.objects.exists()
    assert blocked == []
