"""The "notify me on this device" page and the addresses its script posts to: bad
input gets a clear answer and keeps nothing; the page's policy allows its one script."""

from __future__ import annotations

import json

import pytest

from alerts.models import PushDevice
from tests.alerts.conftest import subscribe_device
from tests.config.test_content_security_policy import (  # noqa: F401 (fixture)
    directives,
    production_csp,
)

SUBSCRIBE = "/updates/device/subscribe/"


def _post(client, body, **extra):
    return client.post(
        SUBSCRIBE,
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        HTTP_HOST="localhost",
        **extra,
    )


def test_the_page_explains_the_iphone_step_and_offers_email_without_javascript(
    school, push, client
):
    html = client.get("/updates/device/", HTTP_HOST="localhost").content.decode()
    assert "Add to Home Screen" in html
    assert "Notify me on this device" in html
    assert "Notifications need JavaScript" in html  # the <noscript> explanation
    assert 'href="/updates/"' in html  # email instead
    manifest = client.get("/updates/device/manifest.webmanifest", HTTP_HOST="localhost")
    assert manifest.json()["name"] == "Meadowbank Primary School"
    assert manifest.json()["display"] == "standalone"


def test_without_keys_the_page_offers_email_and_no_script(school, client):
    html = client.get("/updates/device/", HTTP_HOST="localhost").content.decode()
    assert "<script" not in html
    assert "does not send notifications to phones yet" in html
    answer = _post(client, {"subscription": {}, "categories": ["urgent"]})
    assert answer.status_code == 404
    assert answer.json()["error"] == "Notifications are not available on this website."


def test_the_page_policy_allows_exactly_its_script_and_other_pages_none(
    school,
    push,
    client,
    production_csp,  # noqa: F811
):
    page = directives(
        client.get("/updates/device/", HTTP_HOST="localhost")["Content-Security-Policy"]
    )
    assert page["script-src"] == "http://localhost/static/alerts/push-opt-in.js"
    assert page["worker-src"] == "http://localhost/updates/device/service-worker.js"
    assert page["connect-src"] == (
        "http://localhost/updates/device/subscribe/ "
        "http://localhost/updates/device/unsubscribe/"
    )
    elsewhere = directives(
        client.get("/updates/", HTTP_HOST="localhost")["Content-Security-Policy"]
    )
    assert elsewhere["script-src"] == "'none'"
    assert "worker-src" not in elsewhere


def _good(push_service) -> dict:
    from django.conf import settings

    return push_service.new_device(
        application_server_key=settings.ALERTS_PUSH_VAPID_PUBLIC_KEY
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: "not json", "cannot use"),
        (lambda s: ["a", "list"], "cannot use"),
        (lambda s: {"categories": ["urgent"]}, "push service is not one we can use"),
        (
            lambda s: {
                "subscription": {**s, "endpoint": "https://169.254.169.254/latest"},
                "categories": ["urgent"],
            },
            "push service is not one we can use",
        ),
        (
            lambda s: {
                "subscription": {**s, "endpoint": "http://fcm.googleapis.com/x"},
                "categories": ["urgent"],
            },
            "push service is not one we can use",
        ),
        (
            lambda s: {
                "subscription": {**s, "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
                "categories": ["urgent"],
            },
            "cannot use",
        ),
        (
            lambda s: {"subscription": {**s, "keys": "x"}, "categories": ["urgent"]},
            "cannot use",
        ),
        (lambda s: {"subscription": s, "categories": []}, "at least one kind"),
        (lambda s: {"subscription": s, "categories": ["photos"]}, "at least one kind"),
        (lambda s: {"subscription": s, "categories": "urgent"}, "at least one kind"),
        (lambda s: "x" * 9000, "too much"),
    ],
)
def test_a_bad_subscription_is_refused_clearly_and_nothing_is_kept(
    school, push, client, change, message
):
    answer = _post(client, change(_good(push)))
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert not PushDevice.objects.exists()


def test_subscribing_again_changes_the_choice_and_a_get_is_refused(
    school, push, client
):
    device = subscribe_device(client, push, ["urgent"])
    _post(client, {"subscription": device, "categories": ["news"]})
    assert PushDevice.objects.get().category_list == ["news"]
    stored = PushDevice.objects.get()
    assert stored.consent["categories"] == ["news"]
    assert client.get(SUBSCRIBE, HTTP_HOST="localhost").status_code == 405
    bad = client.post(
        "/updates/device/unsubscribe/",
        data="{}",
        content_type="application/json",
        HTTP_HOST="localhost",
    )
    assert bad.status_code == 400
    assert PushDevice.objects.exists()


def test_the_service_worker_shows_the_notification_and_opens_the_page(school, client):
    answer = client.get("/updates/device/service-worker.js", HTTP_HOST="localhost")
    assert answer["Content-Type"].startswith("text/javascript")
    script = answer.content.decode()
    assert "showNotification" in script
    assert "openWindow" in script
