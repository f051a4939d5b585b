"""The inbox's set-up: Facebook, Instagram and Bluesky accounts connected to their
emulators, a post on each to comment under, their managers, the safeguarding lead,
and a learner."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from moderation.roles import EDITORS, SAFEGUARDING
from publishing.networks.bluesky import BlueskyNetwork
from publishing.networks.facebook import FacebookPageNetwork
from publishing.services.accounts import account_credentials_store
from tests import factories


@pytest.fixture
def managers(db):
    """Two editors who manage the school's Facebook account."""
    return [
        factories.staff("manager", EDITORS, first_name="Rhian", last_name="Owen"),
        factories.staff("manager2", EDITORS, first_name="Tomos", last_name="Bell"),
    ]


@pytest.fixture
def dsl(db):
    user = factories.UserFactory(username="dsl", email="dsl@school.example")
    user.groups.add(Group.objects.get(name=SAFEGUARDING))
    return user


@pytest.fixture
def facebook_page(settings, facebook_emulator):
    settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL = facebook_emulator.base_url
    settings.SOCIAL_FACEBOOK_APP_ID = facebook_emulator.app_credentials["app_id"]
    settings.SOCIAL_FACEBOOK_APP_SECRET = facebook_emulator.app_credentials[
        "app_secret"
    ]
    return facebook_emulator


@pytest.fixture
def facebook_account(db, facebook_page, managers):
    account = factories.SocialAccountFactory(
        name="School Facebook", network="facebook", managers=managers
    )
    account_credentials_store(
        account=account, credentials=facebook_page.credentials, by=managers[0]
    )
    return account


@pytest.fixture
def school_post(facebook_page, facebook_account):
    """A post of the school's on the Page: what parents comment under."""
    network = FacebookPageNetwork(credentials=facebook_page.credentials)
    return network.publish(text="Sports day was wonderful!", images=[]).remote_id


@pytest.fixture
def amelia(db):
    return factories.LearnerFactory(first_name="Amelia", last_name="Jones")


def _connected(network, emulator, managers):
    """An approved account of `network`, managed by `managers`, on its emulator."""
    account = factories.SocialAccountFactory(
        name=f"School {network}", network=network, managers=managers
    )
    account_credentials_store(
        account=account, credentials=emulator.credentials, by=managers[0]
    )
    return account


@pytest.fixture
def instagram_account(instagram_emulator, instagram_settings, managers):
    return _connected("instagram", instagram_emulator, managers)


@pytest.fixture
def bluesky_account(bluesky_emulator, bluesky_settings, managers):
    return _connected("bluesky", bluesky_emulator, managers)


@pytest.fixture
def instagram_post(instagram_emulator, instagram_account):
    """A post of the school's on Instagram (its media id)."""
    return instagram_emulator.post_by_hand("Sports day! 🏅")


@pytest.fixture
def bluesky_post(bluesky_emulator, bluesky_account):
    """A post of the school's on Bluesky (its at:// URI)."""
    network = BlueskyNetwork(credentials=bluesky_emulator.credentials)
    return network.publish(text="Sports day was wonderful!", images=[]).remote_id
