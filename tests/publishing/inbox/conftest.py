"""The inbox's set-up: a Facebook account connected to the emulator, a post on the
Page to comment under, its managers, the safeguarding lead, and a learner."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from moderation.roles import EDITORS, SAFEGUARDING
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
