"""Web push: an approved closure reaches every device that asked, once, by real HTTP
to the local push service, which checks the VAPID signature and the encryption."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import AlertPush, PushDevice
from alerts.push_sending import alert_pushes_send_due
from tests import factories
from tests.alerts.conftest import closure, subscribe_device

Status = AlertPush.Status


def _send_later(site, minutes: int):
    return alert_pushes_send_due(
        site_id=site.pk, now=timezone.now() + timedelta(minutes=minutes)
    )


def test_an_approved_closure_notifies_every_device_that_chose_it_at_once(
    school, other_school, push, worker, publish, client
):
    phone = subscribe_device(client, push, ["urgent"])
    laptop = subscribe_device(client, push, ["urgent", "news"])
    news_only = subscribe_device(client, push, ["news"])
    elsewhere = subscribe_device(client, push, ["urgent"], host="hillside.example")

    notice = publish(closure(school.notices))
    worker.drain()

    for device in (phone, laptop):
        [shown] = push.shown(device["endpoint"])
        assert shown.payload == {
            "title": "Meadowbank Primary School: Snow: school closed today",
            "body": "The school is closed today because of snow.",
            "url": notice.full_url,
            "tag": shown.payload["tag"],
        }  # title, summary, link: no photograph
        assert shown.urgency == "high"
    assert push.received(news_only["endpoint"]) == []
    assert push.received(elsewhere["endpoint"]) == []
    assert push.state()["refusals"] == []
    assert set(AlertPush.objects.values_list("status", flat=True)) == {Status.SENT}


def test_news_is_pushed_straight_away_to_devices_that_chose_news(
    school, push, worker, publish, client
):
    device = subscribe_device(client, push, ["news"])
    publish(
        factories.NewsPageFactory(
            parent=school.news_index, title="Sports day", summary="Friday.", live=False
        )
    )
    worker.drain()
    [shown] = push.shown(device["endpoint"])
    assert shown.payload["title"].endswith("Sports day")
    assert shown.urgency == "normal"


@pytest.mark.parametrize("gone", ["device_gone", "device_forgotten"])
def test_a_device_the_push_service_says_is_gone_is_deleted(
    school, push, worker, publish, client, gone
):
    device = subscribe_device(client, push, ["urgent"])
    getattr(push, gone)(device["endpoint"])
    publish(closure(school.notices))
    worker.drain()
    assert not PushDevice.objects.exists()
    row = AlertPush.objects.get()
    assert row.status == Status.FAILED
    assert "gone" in row.reason


@pytest.mark.parametrize("failure", ["rate_limited", "server_error"])
def test_a_busy_push_service_is_asked_again_later(
    school, push, publish, client, failure, django_capture_on_commit_callbacks
):
    first = subscribe_device(client, push, ["urgent"])
    second = subscribe_device(client, push, ["urgent"])
    push.fail_next(failure, retry_after=120)
    publish(closure(school.notices))
    site = school.home.get_site()

    report = alert_pushes_send_due(site_id=site.pk, now=timezone.now())
    # The service said "busy": nothing more goes to it in this batch.
    assert report.retrying == 2
    assert push.state()["messages"] == []
    assert set(AlertPush.objects.values_list("status", flat=True)) == {Status.QUEUED}
    # Not again before the back-off.
    assert alert_pushes_send_due(site_id=site.pk, now=timezone.now()).sent == 0

    assert _send_later(site, 60).sent == 2
    assert len(push.shown(first["endpoint"])) == 1
    assert len(push.shown(second["endpoint"])) == 1


def test_a_hanging_push_service_times_out_and_the_retry_does_not_double(
    school, push, publish, client
):
    device = subscribe_device(client, push, ["urgent"])
    # The service keeps the message but never answers in time.
    push.fail_next("timeout_after_success", hold_seconds=2)
    publish(closure(school.notices))
    site = school.home.get_site()

    assert alert_pushes_send_due(site_id=site.pk, now=timezone.now()).retrying == 1
    assert AlertPush.objects.get().status == Status.QUEUED
    assert _send_later(site, 60).sent == 1

    # Sent twice over the wire, with the same Topic: the phone shows it once.
    assert len(push.received(device["endpoint"])) == 2
    assert len(push.shown(device["endpoint"])) == 1


def test_nothing_is_pushed_to_a_device_that_unsubscribed_or_about_a_withdrawn_page(
    school, push, publish, client, worker
):
    leaving = subscribe_device(client, push, ["urgent"])
    staying = subscribe_device(client, push, ["urgent"])
    notice = publish(closure(school.notices))
    answer = client.post(
        "/updates/device/unsubscribe/",
        data=json.dumps({"endpoint": leaving["endpoint"]}),
        content_type="application/json",
        HTTP_HOST="localhost",
    )
    assert answer.status_code == 200
    assert (
        answer.json()["message"] == "Done: this device will not be notified any more."
    )
    with_drawn = publish(closure(school.notices, title="Closed on Monday too"))
    with_drawn.unpublish()
    worker.drain()

    assert push.received(leaving["endpoint"]) == []
    assert [m.payload["url"] for m in push.shown(staying["endpoint"])] == [
        notice.full_url
    ]
    assert AlertPush.objects.filter(status=Status.CANCELLED).count() == 2


def test_a_push_a_stopped_worker_left_is_sent_again_and_shown_once(
    school, push, publish, client, redis_connection
):
    from alerts.sweep import alerts_sweep

    device = subscribe_device(client, push, ["urgent"])
    publish(closure(school.notices))
    site = school.home.get_site()
    assert alert_pushes_send_due(site_id=site.pk, now=timezone.now()).sent == 1
    # As if the worker had stopped after the push service took it, before recording.
    AlertPush.objects.update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    alerts_sweep(now=timezone.now())
    assert AlertPush.objects.get().status == Status.QUEUED
    assert alert_pushes_send_due(site_id=site.pk, now=timezone.now()).sent == 1
    assert len(push.received(device["endpoint"])) == 2
    assert len(push.shown(device["endpoint"])) == 1
