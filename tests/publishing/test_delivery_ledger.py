"""The delivery ledger end to end: real pages, real Redis, real rq worker, emulators."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from publishing.models import Delivery, SocialAccount, SocialPost
from publishing.networks.x import XNetwork
from publishing.queueing import delivery_enqueue_on_commit
from publishing.services.accounts import account_approve, account_credentials_store
from publishing.services.deliveries import delivery_send
from tests import factories


def news_with_posts(news_index, *accounts, text="Sports day was a triumph!"):
    page = factories.NewsPageFactory(parent=news_index, title="Sports day")
    for account in accounts:
        SocialPost.objects.create(page=page, account=account, text=text)
    return page


def x_posts(x_emulator):
    return x_emulator.state()["posts"]


def test_publishing_a_page_posts_it_with_a_link_back(
    news_index, x_account, x_emulator, publish, worker
):
    page = news_with_posts(news_index, x_account)

    publish(page)
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.QUEUED
    worker.drain()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    [post] = x_posts(x_emulator)
    assert post["id"] == delivery.remote_id
    assert "Sports day was a triumph!" in post["text"]
    assert page.full_url in post["text"]  # P2
    assert delivery.remote_url
    assert worker.failed_jobs() == 0


def test_publishing_the_same_page_again_does_not_post_again(
    news_index, x_account, x_emulator, publish, worker
):
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()

    page.title = "Sports day (updated)"
    publish(page)
    publish(page)
    worker.drain()

    assert len(x_posts(x_emulator)) == 1
    assert Delivery.objects.filter(page=page).count() == 1


def test_rate_limited_then_sent_at_the_reset_time(
    news_index, x_account, x_emulator, publish, worker, sweep
):
    x_emulator.fail_next("rate_limited", retry_after=120)
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.QUEUED
    assert x_posts(x_emulator) == []
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 100 < wait < 130  # X's reset time, not our own guess

    # Time passes: the sweep finds the scheduled wake-up due and runs it.
    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_posts(x_emulator)) == 1


def test_server_errors_are_checked_on_x_then_a_person_decides_after_a_day(
    news_index, x_account, x_emulator, publish, worker, sweep
):
    # A 503 to a post may follow a post X made: each retry looks first.
    x_emulator.fail_next(status=503, times=50, path_contains="/2/tweets")
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.QUEUED
    assert "checked for it before anything is sent again" in delivery.reason

    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 2

    # A day later X is still failing: the ledger stops and a person decides.
    Delivery.objects.filter(pk=delivery.pk).update(
        first_due_at=timezone.now() - timedelta(hours=24)
    )
    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.NEEDS_ATTENTION
    assert "Gave up" in delivery.reason
    assert delivery.might_be_live
    assert x_posts(x_emulator) == []


def test_a_rate_limit_that_lasts_a_day_fails_with_the_reason(
    news_index, x_account, x_emulator, publish, worker, sweep
):
    x_emulator.fail_next("rate_limited", retry_after=60, times=5)
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.QUEUED
    Delivery.objects.filter(pk=delivery.pk).update(
        first_due_at=timezone.now() - timedelta(hours=24)
    )
    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    # A 429 certainly made nothing: failed, and nothing might be live.
    assert delivery.status == Delivery.Status.FAILED
    assert "Gave up" in delivery.reason
    assert not delivery.might_be_live
    assert x_posts(x_emulator) == []


def test_an_expired_token_holds_the_account_until_it_is_reconnected(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    senior_leader,
    django_capture_on_commit_callbacks,
):
    x_emulator.fail_next("unauthorized")
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    x_account.refresh_from_db()
    assert delivery.status == Delivery.Status.HELD
    assert x_account.connection == SocialAccount.Connection.RECONNECT_NEEDED
    [email] = mail.outbox
    assert "Reconnect" in email.subject
    assert set(email.to) >= {user.email for user in x_account.managers.all()}
    assert x_posts(x_emulator) == []

    with django_capture_on_commit_callbacks(execute=True):
        account_credentials_store(
            account=x_account,
            credentials={
                "access_token": x_emulator.credentials["access_token"],
                "access_token_secret": x_emulator.credentials["access_token_secret"],
            },
            by=senior_leader,
        )
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_posts(x_emulator)) == 1


def test_a_permanent_refusal_fails_with_the_networks_reason(
    news_index, x_account, x_emulator, publish, worker
):
    x_emulator.fail_next("duplicate")
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.FAILED
    assert "duplicate" in delivery.reason.lower()


def test_a_network_answering_html_is_retried_not_lost(
    news_index, x_account, x_emulator, publish, worker
):
    x_emulator.fail_next("html", status=502)
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status in (Delivery.Status.QUEUED, Delivery.Status.FAILED)
    assert delivery.reason
    assert worker.failed_jobs() == 0


def test_redis_down_at_approval_then_the_sweep_delivers(
    news_index, x_account, x_emulator, publish, worker, settings, caplog, sweep
):
    page = news_with_posts(news_index, x_account)
    unreachable = {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}
    with override_settings(RQ_QUEUES={**settings.RQ_QUEUES, "publishing": unreachable}):
        publish(page)  # approval succeeds: no exception reaches the approver

    delivery = Delivery.objects.get(page=page)
    assert page.live
    assert delivery.status == Delivery.Status.QUEUED
    assert any(
        getattr(record, "event", "") == "publishing.enqueue_failed"
        for record in caplog.records
    )
    worker.drain()
    assert x_posts(x_emulator) == []  # nothing reached the queue

    report = sweep(now=timezone.now() + timedelta(minutes=2))
    assert report.enqueued == 1
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_posts(x_emulator)) == 1


def test_a_worker_killed_between_send_and_save_never_posts_twice(
    news_index, x_account, x_emulator, publish, worker, x_settings, sweep
):
    page = news_with_posts(news_index, x_account)
    with override_settings(
        RQ_QUEUES={
            **x_settings.RQ_QUEUES,
            "publishing": {"URL": "redis://127.0.0.1:1/0"},
        }
    ):
        publish(page)
    delivery = Delivery.objects.get(page=page)
    # What a worker that died after posting leaves behind: the post is on X, the row
    # is claimed ('sending') and no remote id was saved.
    XNetwork(credentials=x_emulator.credentials, base_url=x_emulator.base_url).publish(
        text=delivery.text, images=[], link=delivery.link
    )
    claimed_at = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=claimed_at, attempts=1
    )

    report = sweep(now=timezone.now())
    worker.drain()

    delivery.refresh_from_db()
    assert report.reconciling == 1
    # The ledger looked on X, found the post by its link and recorded it.
    [post] = x_posts(x_emulator)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.remote_id == post["id"]
    assert "Found on the network" in delivery.reason
    # Later sweeps never send it again.
    sweep(now=timezone.now() + timedelta(hours=2))
    worker.drain()
    assert len(x_posts(x_emulator)) == 1


def test_unpublishing_deletes_the_post_from_the_network(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    assert len(x_posts(x_emulator)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.RETRACTED
    assert delivery.retracted_at is not None
    assert x_posts(x_emulator) == []


def test_a_failed_deletion_is_retried(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
    sweep,
):
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    x_emulator.fail_next(status=500)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.RETRACT_DUE
    assert len(x_posts(x_emulator)) == 1

    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRACTED
    assert x_posts(x_emulator) == []


def test_deleting_a_page_deletes_its_posts(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    worker.drain()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.RETRACTED
    assert x_posts(x_emulator) == []


def test_undecryptable_credentials_hold_the_account_with_a_clear_reason(
    news_index, x_account, x_emulator, publish, worker, settings
):
    page = news_with_posts(news_index, x_account)
    settings.SOCIAL_CREDENTIALS_KEY = "bmV3LWtleS1ub3QtdGhlLW9uZS11c2VkLXRvLXNhdmU="
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    x_account.refresh_from_db()
    assert delivery.status == Delivery.Status.HELD
    assert "cannot be decrypted" in delivery.reason
    assert x_account.connection == SocialAccount.Connection.RECONNECT_NEEDED
    assert worker.failed_jobs() == 0
    assert x_posts(x_emulator) == []


def test_text_too_long_is_refused_at_send(
    news_index, x_account, x_emulator, publish, worker
):
    page = news_with_posts(news_index, x_account, text="word " * 80)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.FAILED
    assert "allows 280" in delivery.reason
    assert x_posts(x_emulator) == []


def test_one_publication_fans_out_to_x_and_facebook_and_unpublish_deletes_both(
    news_index,
    x_account,
    facebook_account,
    x_emulator,
    facebook_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    page = news_with_posts(news_index, x_account, facebook_account)
    publish(page)
    worker.drain()

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(x_posts(x_emulator)) == 1
    [facebook_post] = facebook_emulator.state()["posts"]
    assert page.full_url in facebook_post["text"]

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    worker.drain()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"retracted"}
    assert x_posts(x_emulator) == []
    assert facebook_emulator.state()["posts"] == []


def test_a_stale_or_duplicate_wake_up_never_posts_again(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)

    # A second worker holding the same wake-up, and a re-enqueued old attempt.
    assert delivery_send(delivery_id=delivery.pk, attempt=0, now=timezone.now()) is None
    with django_capture_on_commit_callbacks(execute=True):
        delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=0)
    worker.drain()
    assert len(x_posts(x_emulator)) == 1
    assert worker.failed_jobs() == 0


def test_an_image_the_network_refuses_fails_with_its_reason(
    news_index, x_account, x_emulator, publish, worker
):
    image = factories.tagged_image(factories.learner_with_consent())
    page = factories.NewsPageFactory(parent=news_index, listing_image=image)
    SocialPost.objects.create(
        page=page, account=x_account, text="Art week", include_image=True
    )
    x_emulator.fail_next("media_refused")
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.FAILED
    assert "media" in delivery.reason.lower()
    assert x_posts(x_emulator) == []


def test_a_suspended_account_holds_posts_until_reinstated(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    senior_leader,
    django_capture_on_commit_callbacks,
):
    x_account.managers.remove(x_account.managers.first())
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.HELD
    assert "suspended" in delivery.reason

    x_account.managers.add(factories.UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        account_approve(account=x_account, by=senior_leader)
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_posts(x_emulator)) == 1


def test_a_timeout_on_a_post_that_got_through_is_never_posted_twice(
    news_index, x_account, x_emulator, publish, worker, sweep, settings
):
    settings.SOCIAL_NETWORK_TIMEOUT_SECONDS = 0.5
    x_emulator.fail_next("timeout_after_success", hold_seconds=3)
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.QUEUED  # the outcome is unknown...
    assert delivery.outcome_unknown_since is not None

    sweep(now=delivery.next_attempt_at + timedelta(minutes=2))
    worker.drain()
    delivery.refresh_from_db()
    # ...so the retry looks on X first, finds the post and adopts it.
    [post] = x_posts(x_emulator)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.remote_id == post["id"]
    assert delivery.outcome_unknown_since is None


def test_missing_app_keys_hold_the_account_and_post_nothing(
    news_index, x_account, x_emulator, publish, worker, settings
):
    settings.SOCIAL_X_CONSUMER_KEY = ""
    page = news_with_posts(news_index, x_account)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.HELD
    assert "SOCIAL_X_CONSUMER_KEY" in delivery.reason
    assert x_posts(x_emulator) == []


def test_a_notice_posts_too_and_asking_for_an_image_it_lacks_sends_text_only(
    home_page, x_account, x_emulator, publish, worker
):
    notices = factories.NoticeIndexPageFactory(parent=home_page)
    notice = factories.NoticePageFactory(parent=notices, title="Snow day")
    SocialPost.objects.create(
        page=notice,
        account=x_account,
        text="School is closed today.",
        include_image=True,
    )
    publish(notice)
    worker.drain()
    assert Delivery.objects.get(page=notice).status == Delivery.Status.SENT
    [post] = x_posts(x_emulator)
    assert post["media"] == []
    assert "School is closed today." in post["text"]
