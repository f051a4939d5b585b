"""Shared set-up for the ledger tests: staff, accounts on the emulators, a worker."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rq import SimpleWorker

from moderation.roles import SENIOR_LEADERSHIP
from publishing.queueing import delivery_queue
from publishing.services.accounts import account_credentials_store
from tests import factories


@pytest.fixture
def senior_leader(db):
    user = factories.UserFactory(username="head", email="head@school.example")
    user.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    return user


@pytest.fixture
def news_index(home_page):
    return factories.NewsIndexPageFactory(parent=home_page)


@pytest.fixture
def x_settings(settings, x_emulator):
    """Point the X adapter and the Connect flow at the emulator."""
    settings.SOCIAL_X_API_BASE_URL = x_emulator.base_url
    settings.SOCIAL_X_CONSUMER_KEY = x_emulator.app_credentials["consumer_key"]
    settings.SOCIAL_X_CONSUMER_SECRET = x_emulator.app_credentials["consumer_secret"]
    return settings


@pytest.fixture
def x_account(db, x_emulator, x_settings, senior_leader):
    """An approved X account connected to the emulator."""
    account = factories.SocialAccountFactory(name="School X", network="x")
    account_credentials_store(
        account=account,
        credentials={
            "access_token": x_emulator.credentials["access_token"],
            "access_token_secret": x_emulator.credentials["access_token_secret"],
        },
        by=senior_leader,
    )
    return account


class Worker:
    """Runs the publishing queue in-process until nothing is left to do."""

    def __init__(self, capture):
        self.capture = capture

    def drain(self, *, rounds: int = 10) -> None:
        queue = delivery_queue()
        for _ in range(rounds):
            with self.capture(execute=True):
                if not queue.count:
                    return
                SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert queue.count == 0

    def failed_jobs(self) -> int:
        return delivery_queue().failed_job_registry.count


@pytest.fixture
def worker(redis_connection, django_capture_on_commit_callbacks):
    return Worker(django_capture_on_commit_callbacks)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a page's latest revision as approval does, running on-commit hooks."""

    def _publish(page, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            revision = page.save_revision(user=user)
            revision.publish(user=user)
        page.refresh_from_db()
        return page

    return _publish


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the minute sweep as the cron job does (its enqueues happen on commit)."""
    from publishing.services.deliveries import deliveries_sweep

    def _sweep(*, now):
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries_sweep(now=now)

    return _sweep


@pytest.fixture
def facebook_settings(settings, facebook_emulator):
    """Point the Facebook adapter and the Connect flow at the emulator."""
    settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL = facebook_emulator.base_url
    settings.SOCIAL_FACEBOOK_APP_ID = facebook_emulator.app_credentials["app_id"]
    settings.SOCIAL_FACEBOOK_APP_SECRET = facebook_emulator.app_credentials[
        "app_secret"
    ]
    return settings


@pytest.fixture
def facebook_account(db, facebook_emulator, facebook_settings, senior_leader):
    """An approved, closed Facebook Page connected to the emulator."""
    account = factories.SocialAccountFactory(
        name="School Facebook", network="facebook", visibility="closed"
    )
    account_credentials_store(
        account=account, credentials=facebook_emulator.credentials, by=senior_leader
    )
    return account


@pytest.fixture
def instagram_settings(settings, instagram_emulator, public_web):
    """Point the Instagram adapter and its Connect flow at the emulator, and make
    the public media reachable over HTTP (Instagram fetches pictures itself)."""
    settings.SOCIAL_INSTAGRAM_GRAPH_BASE_URL = instagram_emulator.base_url
    settings.SOCIAL_FACEBOOK_APP_ID = instagram_emulator.app_credentials["app_id"]
    settings.SOCIAL_FACEBOOK_APP_SECRET = instagram_emulator.app_credentials[
        "app_secret"
    ]
    settings.SOCIAL_INSTAGRAM_CONTAINER_WAIT_SECONDS = 0
    return settings


@pytest.fixture
def instagram_account(db, instagram_emulator, instagram_settings, senior_leader):
    """An approved Instagram professional account connected to the emulator."""
    account = factories.SocialAccountFactory(
        name="School Instagram", network="instagram", visibility="open"
    )
    account_credentials_store(
        account=account, credentials=instagram_emulator.credentials, by=senior_leader
    )
    return account


@pytest.fixture
def bluesky_settings(settings, bluesky_emulator):
    settings.SOCIAL_BLUESKY_PDS_URL = bluesky_emulator.base_url
    return settings


@pytest.fixture
def bluesky_account(db, bluesky_emulator, bluesky_settings, senior_leader):
    """An approved Bluesky account connected to the emulator (handle, app password)."""
    account = factories.SocialAccountFactory(
        name="School Bluesky", network="bluesky", visibility="open"
    )
    account_credentials_store(
        account=account, credentials=bluesky_emulator.credentials, by=senior_leader
    )
    return account
