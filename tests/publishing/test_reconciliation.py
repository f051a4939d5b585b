"""Exactly once when a network's answer is lost: reconcile before retrying (issue 11).

For X and for Facebook each: the real adapters (tweepy, facebook-sdk) talk to the
loopback emulators through a fault-injecting proxy (tests/fault_proxy.py) that loses
requests or answers, or garbles a success; a real rq worker runs the publishing queue
against the real Redis; time moves by passing ``now`` to the sweep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from wagtail.models import Page

from emulators.facebook import FacebookEmulator
from emulators.x import XEmulator
from publishing.models import Delivery, SocialPost
from publishing.services.accounts import account_credentials_store
from publishing.services.deliveries import delivery_look_again
from tests import factories
from tests.e2e.stack import database_url
from tests.fault_proxy import FaultProxy

SENT = Delivery.Status.SENT
BASE_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Network:
    """One network under test: its account, emulator and the proxy in front."""

    name: str
    account: object
    emulator: XEmulator | FacebookEmulator
    proxy: FaultProxy
    send_path: str  # the request that makes a post (text or photo)
    read_path: str  # the request that lists the account's posts

    def posts(self) -> list[dict]:
        return self.emulator.state()["posts"]


@pytest.fixture(params=["x", "facebook"])
def network(request, settings, senior_leader, redis_connection):
    name = request.param
    emulator = (XEmulator() if name == "x" else FacebookEmulator()).start()
    proxy = FaultProxy(emulator.base_url).start()
    if name == "x":
        settings.SOCIAL_X_API_BASE_URL = proxy.base_url
        settings.SOCIAL_X_CONSUMER_KEY = emulator.app_credentials["consumer_key"]
        settings.SOCIAL_X_CONSUMER_SECRET = emulator.app_credentials["consumer_secret"]
    else:
        settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL = proxy.base_url
    account = factories.SocialAccountFactory(
        name=f"School {name}", network=name, visibility="closed"
    )
    account_credentials_store(
        account=account, credentials=emulator.credentials, by=senior_leader
    )
    yield Network(
        name=name,
        account=account,
        emulator=emulator,
        proxy=proxy,
        send_path="/2/tweets" if name == "x" else "/photos",
        read_path="/tweets" if name == "x" else "/posts",
    )
    proxy.stop()
    emulator.stop()


def photo_news(news_index, network: Network, *, title="Art week"):
    """A news page whose post carries a photo (no network refuses those as repeats)."""
    image = factories.tagged_image(factories.learner_with_consent())
    page = factories.NewsPageFactory(
        parent=news_index, title=title, listing_image=image
    )
    SocialPost.objects.create(
        page=page,
        account=network.account,
        text=f"{title}: see the gallery",
        include_image=True,
    )
    return page


def retry_due(delivery, sweep, worker):
    """Let time pass to the delivery's next attempt; the sweep and worker run."""
    delivery.refresh_from_db()
    sweep(now=delivery.next_attempt_at + timedelta(minutes=1))
    worker.drain()
    delivery.refresh_from_db()


def test_every_post_links_back_with_its_own_delivery_id(
    news_index, network, publish, worker
):
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    [post] = network.posts()
    assert delivery.status == SENT
    assert delivery.link == f"{page.full_url}?ref={delivery.pk}"
    assert post["text"].count(delivery.link) == 1  # the only link: X counts it once


def test_an_answer_lost_after_the_post_was_made_is_found_not_posted_twice(
    news_index, network, publish, worker, sweep
):
    network.proxy.fail_next(
        "drop_response", method="POST", path_contains=network.send_path
    )
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    [post] = network.posts()  # the network made it; the app never heard
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.outcome_unknown_since is not None
    assert "checked for it before anything is sent again" in delivery.reason

    retry_due(delivery, sweep, worker)
    assert delivery.status == SENT
    assert delivery.remote_id == post["id"]
    assert len(network.posts()) == 1
    reads = [seen for seen in network.proxy.seen if network.read_path in seen.path]
    assert reads, "the retry looked at the account's posts"


def test_an_answer_lost_before_the_post_was_made_sends_it_exactly_once(
    news_index, network, publish, worker, sweep
):
    network.proxy.fail_next(
        "drop_request", method="POST", path_contains=network.send_path
    )
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert network.posts() == []
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.outcome_unknown_since is not None

    retry_due(delivery, sweep, worker)
    [post] = network.posts()
    assert delivery.status == SENT
    assert delivery.remote_id == post["id"]
    assert delivery.outcome_unknown_since is None


@pytest.mark.parametrize("garble", ["html", "empty", "no_id"])
def test_a_malformed_success_is_reconciled_not_failed(
    news_index, network, publish, worker, sweep, garble
):
    network.proxy.fail_next(garble, method="POST", path_contains=network.send_path)
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    [post] = network.posts()
    assert delivery.status == Delivery.Status.QUEUED  # not "failed": it may be live
    assert delivery.might_be_live

    retry_due(delivery, sweep, worker)
    assert delivery.status == SENT
    assert delivery.remote_id == post["id"]
    assert len(network.posts()) == 1


def test_a_network_that_cannot_be_read_is_left_to_a_person_and_nothing_is_resent(
    news_index, network, publish, worker, sweep, senior_leader
):
    network.proxy.fail_next(
        "drop_request", method="POST", path_contains=network.send_path
    )
    network.emulator.fail_next(status=503, path_contains=network.read_path, times=5)
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)

    # Looked at again with back-off while the network may answer later...
    for looks in (1, 2):
        retry_due(delivery, sweep, worker)
        assert delivery.status == Delivery.Status.QUEUED
        assert delivery.failed_looks == looks
        assert "looking again at" in delivery.reason
    # ...then a person decides, with the evidence: what to look for.
    retry_due(delivery, sweep, worker)
    assert delivery.status == Delivery.Status.NEEDS_ATTENTION
    assert "could not be read" in delivery.reason
    assert "3 look(s) in a row" in delivery.reason
    assert delivery.link in delivery.reason
    assert network.posts() == []
    # Time passes: nothing is sent without a person.
    sweep(now=timezone.now() + timedelta(hours=3))
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.NEEDS_ATTENTION
    assert network.posts() == []

    # The network is readable again; a person asks for another look: it is
    # certainly not there, so it is sent, once.
    network.emulator.reset()
    with worker.capture(execute=True):
        delivery_look_again(delivery=delivery, user=senior_leader)
    worker.drain()
    delivery.refresh_from_db()
    [post] = network.posts()
    assert delivery.status == SENT
    assert delivery.remote_id == post["id"]


def test_unpublishing_deletes_posts_whose_deliveries_failed_or_were_lost(
    news_index, network, publish, worker, sweep, django_capture_on_commit_callbacks
):
    """Every post a withdrawn page might have on the network comes down."""
    # A success garbled after the post was made; then (as if every retry had been
    # garbled until the retry window closed) the delivery is failed: the post is live.
    network.proxy.fail_next("html", method="POST", path_contains=network.send_path)
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, reason="Gave up"
    )
    # A second page: its post went out but its delivery says "held" (the account
    # was disconnected later); a third: sent, with a deletion that will be lost.
    held_page = photo_news(news_index, network, title="Book week")
    publish(held_page)
    worker.drain()
    held = Delivery.objects.get(page=held_page)
    assert held.status == SENT
    Delivery.objects.filter(pk=held.pk).update(status=Delivery.Status.HELD)
    assert len(network.posts()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).specific.unpublish()
        Page.objects.get(pk=held_page.pk).specific.unpublish()
    worker.drain()

    delivery.refresh_from_db()
    held.refresh_from_db()
    assert network.posts() == []
    assert delivery.status == Delivery.Status.RETRACTED
    assert held.status == Delivery.Status.RETRACTED


def test_unpublishing_a_page_whose_unsent_delivery_never_reached_the_network_cancels(
    news_index, network, publish, worker, django_capture_on_commit_callbacks
):
    """Positive control: looked for and not there, nothing to delete, nothing sent."""
    network.proxy.fail_next(
        "drop_request", method="POST", path_contains=network.send_path
    )
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert delivery.might_be_live

    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).specific.unpublish()
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.CANCELLED
    assert "Never on the network" in delivery.reason
    assert network.posts() == []


def test_deleting_the_image_deletes_the_post_whose_answer_was_garbled(
    news_index, network, publish, worker, django_capture_on_commit_callbacks
):
    network.proxy.fail_next("no_id", method="POST", path_contains=network.send_path)
    page = photo_news(news_index, network)
    publish(page)
    worker.drain()
    delivery = Delivery.objects.get(page=page)
    assert len(network.posts()) == 1
    assert delivery.status == Delivery.Status.QUEUED

    with django_capture_on_commit_callbacks(execute=True):
        delivery.image.delete()
    worker.drain()

    delivery.refresh_from_db()
    assert network.posts() == []
    assert delivery.status == Delivery.Status.RETRACTED


def worker_process() -> subprocess.Popen:
    """The Procfile's worker, in its own process, on this test's database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS": "30",
    }
    for name in (
        "SOCIAL_X_API_BASE_URL",
        "SOCIAL_FACEBOOK_GRAPH_BASE_URL",
        "SOCIAL_X_CONSUMER_KEY",
        "SOCIAL_X_CONSUMER_SECRET",
    ):
        env[name] = getattr(django_settings, name)
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *procfile_worker_arguments()],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def procfile_worker_arguments() -> list[str]:
    """`rqworker ...` exactly as the Procfile's worker line runs it."""
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith("worker:"):
            return line.split("manage.py", 1)[1].split()
    raise AssertionError("the Procfile has no worker")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_killed_mid_send_is_found_within_a_minute_and_reconciled(
    news_index, network, publish, sweep, worker
):
    network.proxy.fail_next("hold", method="POST", path_contains=network.send_path)
    page = photo_news(news_index, network)
    publish(page)
    delivery = Delivery.objects.get(page=page)
    process = worker_process()
    try:
        deadline = time.monotonic() + 60
        while not network.posts():  # the network made the post; its answer is held
            assert process.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker never sent the post"
            time.sleep(0.05)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENDING
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    claimed_at = delivery.claimed_at

    # 20 seconds after the claim its last heartbeat still stands: a slow send.
    assert sweep(now=claimed_at + timedelta(seconds=20)).reconciling == 0
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENDING

    # Within the minute the heartbeat has lapsed: dead, looked for, found, recorded.
    assert sweep(now=claimed_at + timedelta(seconds=60)).reconciling == 1
    worker.drain()
    delivery.refresh_from_db()
    [post] = network.posts()
    assert delivery.status == SENT
    assert delivery.remote_id == post["id"]
