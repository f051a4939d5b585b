"""Mail servers and providers that fail: nothing lost, nothing sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from alerts.models import AlertEmail
from alerts.sending import alert_emails_send_due, alert_emails_sweep
from alerts.subscriptions import subscriber_unsubscribe
from tests.alerts.conftest import URGENT_ONLY, closure, confirmed_subscriber

Status = AlertEmail.Status


@pytest.fixture
def families(school):
    site = school.home.get_site()
    return [
        confirmed_subscriber(site, f"family{number}@family.example", URGENT_ONLY)
        for number in range(5)
    ]


def _later(minutes: int) -> timezone.datetime:
    return timezone.now() + timedelta(minutes=minutes)


def _statuses() -> list[str]:
    return sorted(AlertEmail.objects.values_list("status", flat=True))


def _sweep_and_drain(worker, django_capture_on_commit_callbacks, *, now):
    with django_capture_on_commit_callbacks(execute=True):
        alert_emails_sweep(now=now)
    worker.drain()


def test_the_smtp_server_going_down_mid_batch_loses_nothing_and_sends_once(
    school,
    families,
    smtp,
    worker,
    publish,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(timezone.now(), tick=True)
    smtp.fail_after(2)  # the server takes two, then answers 421 to everything
    publish(closure(school.notices))
    worker.drain()
    assert len(smtp.received) == 2
    assert _statuses().count(Status.SENT) == 2
    waiting = AlertEmail.objects.exclude(status=Status.SENT)
    assert {row.status for row in waiting} == {Status.QUEUED}
    assert any("421" in row.reason for row in waiting)

    smtp.clear_state()  # the server is back
    time_machine.shift(timedelta(minutes=5))
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=timezone.now())
    assert _statuses() == [Status.SENT] * 5
    recipients = [r for mail in smtp.received for r in mail.recipients]
    assert len(recipients) == 3 and len(set(recipients)) == 3
    everyone = {f"family{number}@family.example" for number in range(5)}
    assert everyone == set(
        AlertEmail.objects.values_list("subscriber__email", flat=True)
    )


def test_a_mail_server_that_is_not_running_keeps_every_email_for_later(
    school,
    families,
    smtp,
    worker,
    publish,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(timezone.now(), tick=True)
    smtp.smtp_stop()
    publish(closure(school.notices))  # approval is not held up by the mail server
    worker.drain()
    assert _statuses() == [Status.QUEUED] * 5
    smtp.smtp_start()
    time_machine.shift(timedelta(minutes=5))
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=timezone.now())
    assert len(smtp.received) == 5
    assert _statuses() == [Status.SENT] * 5


def test_an_address_the_server_refuses_for_good_is_not_retried(
    school, smtp, worker, publish
):
    confirmed_subscriber(school.home.get_site(), "gone@family.example", URGENT_ONLY)
    smtp.refuse_recipients(550)
    publish(closure(school.notices))
    worker.drain()
    row = AlertEmail.objects.get()
    assert row.status == Status.FAILED
    assert "550" in row.reason


def test_the_provider_saying_429_or_500_is_retried_later(
    school,
    families,
    postmark,
    worker,
    publish,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(timezone.now(), tick=True)
    postmark.fail_next("rate_limited", retry_after=30)
    publish(closure(school.notices))
    worker.drain()
    assert postmark.sent == []
    assert _statuses() == [Status.QUEUED] * 5
    first = AlertEmail.objects.filter(attempts=1).get()
    assert "429" in first.reason
    assert first.next_attempt_at > timezone.now()

    postmark.fail_next(status=500)
    time_machine.shift(timedelta(minutes=5))
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=timezone.now())
    assert AlertEmail.objects.filter(reason__contains="500").exists()

    time_machine.shift(timedelta(minutes=10))
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=timezone.now())
    assert _statuses() == [Status.SENT] * 5
    assert sorted(message["To"] for message in postmark.sent) == sorted(
        f"family{number}@family.example" for number in range(5)
    )
    message_ids = set(AlertEmail.objects.values_list("message_id", flat=True))
    assert message_ids == {message["MessageID"] for message in postmark.sent}
    headers = {h["Name"]: h["Value"] for h in postmark.sent[0]["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_provider_that_hangs_is_never_sent_to_twice(
    school,
    postmark,
    worker,
    publish,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(timezone.now(), tick=True)
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    postmark.fail_next("timeout_after_success", hold_seconds=5)
    publish(closure(school.notices))
    worker.drain()
    row = AlertEmail.objects.get()
    assert row.status == Status.UNKNOWN
    time_machine.shift(timedelta(minutes=30))
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=timezone.now())
    assert len(postmark.sent) == 1  # the one the provider took before hanging


def test_an_inactive_recipient_at_the_provider_is_not_sent(
    school, postmark, worker, publish
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    postmark.fail_next("duplicate")  # Postmark: 422, recipient marked inactive
    publish(closure(school.notices))
    worker.drain()
    assert AlertEmail.objects.get().status == Status.FAILED


def test_redis_down_at_approval_then_the_sweep_sends(
    school,
    families,
    smtp,
    worker,
    publish,
    settings,
    caplog,
    django_capture_on_commit_callbacks,
):
    unreachable = {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}
    with override_settings(RQ_QUEUES={**settings.RQ_QUEUES, "alerts": unreachable}):
        notice = publish(closure(school.notices))
    assert notice.live
    assert _statuses() == [Status.QUEUED] * 5
    assert any(
        getattr(record, "event", "") == "alerts.enqueue_failed"
        for record in caplog.records
    )
    worker.drain()
    assert smtp.received == []
    _sweep_and_drain(worker, django_capture_on_commit_callbacks, now=_later(1))
    assert len(smtp.received) == 5


def test_a_worker_that_died_mid_send_leaves_the_email_unknown_not_resent(
    school, smtp, worker, publish, redis_connection
):
    confirmed_subscriber(school.home.get_site(), "smith@family.example", URGENT_ONLY)
    notice = closure(school.notices)
    notice.save_revision().publish()  # no wake-up: as if the worker died at once
    AlertEmail.objects.update(status=Status.SENDING, claimed_at=timezone.now())
    alert_emails_sweep(now=_later(10))
    worker.drain()
    row = AlertEmail.objects.get()
    assert row.status == Status.UNKNOWN
    assert "not sent again" in row.reason
    assert smtp.received == []


def test_a_family_who_unsubscribes_while_a_batch_is_sent_gets_nothing_more(
    school, families, smtp, publish, settings, redis_connection
):
    settings.ALERTS_EMAIL_BATCH_SIZE = 2
    notice = closure(school.notices)
    notice.save_revision().publish()
    site_id = school.home.get_site().pk
    alert_emails_send_due(site_id=site_id, now=timezone.now())
    assert len(smtp.received) == 2
    subscriber_unsubscribe(subscriber=families[4], now=timezone.now(), how="test")
    for _ in range(3):
        alert_emails_send_due(site_id=site_id, now=timezone.now())
    assert len(smtp.received) == 4
    assert not smtp.to("family4@family.example")
    assert AlertEmail.objects.get(subscriber=families[4]).status == Status.CANCELLED
