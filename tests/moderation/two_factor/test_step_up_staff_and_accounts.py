"""Managing staff and roles, and social-account decisions and credentials, need a
code from the last 15 minutes, as publishing does (P4, A3)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from moderation.roles import SENIOR_LEADERSHIP
from publishing.models import SocialAccount
from tests.factories import SocialAccountFactory, UserFactory
from tests.twofactor import login_verified

STEP_UP = reverse("two_factor:step_up")
STALE = time.time() - 16 * 60


def signed_in(user, *, fresh: bool) -> Client:
    client = Client()
    login_verified(client, user, verified_at=None if fresh else STALE)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def head(db):
    user = UserFactory(username="head")
    user.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    return user


def user_edit_form(user, **changes) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        **changes,
    }


@pytest.mark.parametrize("fresh", [False, True], ids=["stale", "fresh"])
def test_deactivating_a_member_of_staff(superuser, fresh):
    leaving = UserFactory(username="leaving")
    data = user_edit_form(leaving)
    del data["is_active"]

    response = signed_in(superuser, fresh=fresh).post(
        reverse("wagtailusers_users:edit", args=[leaving.pk]), data
    )

    leaving.refresh_from_db()
    if fresh:
        assert response.status_code == 302
        assert not response["Location"].startswith(STEP_UP)
        assert leaving.is_active is False
    else:
        assert response["Location"].startswith(STEP_UP)
        assert leaving.is_active is True


@pytest.mark.parametrize("fresh", [False, True], ids=["stale", "fresh"])
def test_creating_a_group(superuser, fresh):
    response = signed_in(superuser, fresh=fresh).post(
        reverse("wagtailusers_groups:add"), {"name": "Publishers"}
    )

    asked_for_code = response.get("Location", "").startswith(STEP_UP)
    assert asked_for_code is not fresh
    if not fresh:
        assert not Group.objects.filter(name="Publishers").exists()


@pytest.mark.parametrize("fresh", [False, True], ids=["stale", "fresh"])
def test_approving_a_social_account(head, fresh):
    account = SocialAccountFactory(status="proposed")

    response = signed_in(head, fresh=fresh).post(
        reverse("publishing_account_decide", args=[account.pk, "approve"])
    )

    account.refresh_from_db()
    assert response["Location"].startswith(STEP_UP) is not fresh
    assert (account.status == SocialAccount.Status.APPROVED) is fresh


@pytest.mark.parametrize("fresh", [False, True], ids=["stale", "fresh"])
def test_pasting_network_credentials(superuser, fresh):
    account = SocialAccountFactory(network="x")

    response = signed_in(superuser, fresh=fresh).post(
        reverse("publishing_account_credentials", args=[account.pk]),
        {"access_token": "tok-123", "access_token_secret": "sec-456"},
    )

    account.refresh_from_db()
    assert response["Location"].startswith(STEP_UP) is not fresh
    assert (account.connection == SocialAccount.Connection.CONNECTED) is fresh


def test_a_stale_session_still_reads_the_user_list(superuser):
    assert get_user_model().objects.count() == 1
    response = signed_in(superuser, fresh=False).get(
        reverse("wagtailusers_users:index")
    )

    assert response.status_code == 200


def test_pasted_credentials_are_never_kept_in_the_session(superuser):
    from moderation.two_factor.pending import PENDING_SESSION_KEY

    account = SocialAccountFactory(network="x")
    client = signed_in(superuser, fresh=False)

    response = client.post(
        reverse("publishing_account_credentials", args=[account.pk]),
        {"access_token": "tok-123", "access_token_secret": "sec-456"},
        follow=True,
    )

    assert "not kept" in response.content.decode()
    assert PENDING_SESSION_KEY not in client.session
    assert "tok-123" not in str(dict(client.session))
    account.refresh_from_db()
    assert account.connection != SocialAccount.Connection.CONNECTED


def test_a_new_password_for_a_member_of_staff_is_never_kept(superuser):
    from moderation.two_factor.pending import PENDING_SESSION_KEY

    client = signed_in(superuser, fresh=False)
    client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newstaff",
            "email": "new@school.example",
            "first_name": "New",
            "last_name": "Staff",
            "password1": "a-long-new-password-123",
            "password2": "a-long-new-password-123",
        },
    )

    assert PENDING_SESSION_KEY not in client.session
    assert not get_user_model().objects.filter(username="newstaff").exists()
