"""Accounts show people by name, and the head who approves one can connect it."""

from django.contrib.auth.models import Group
from django.urls import reverse

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from tests.factories import SocialAccountFactory, UserFactory, staff
from tests.twofactor import login_verified


def test_the_head_who_approves_an_account_sees_connect(client, db):
    head = UserFactory(username="head", first_name="Hana", last_name="Head")
    head.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    account = SocialAccountFactory(status="proposed", connection="not_connected")
    login_verified(client, head)

    response = client.post(
        reverse("publishing_account_decide", args=[account.pk, "approve"]),
        {"note": "Business case is sound"},
        follow=True,
    )

    html = response.content.decode()
    assert "is approved. Press Connect below" in html
    assert reverse("publishing_connect_start", args=[account.pk]) in html
    assert ">Connect</button>" in html


def test_the_register_and_form_name_owners_not_usernames(client, db):
    # One of the school's staff: only they may own its accounts.
    owner = staff("jdavies01", EDITORS, first_name="Jo", last_name="Davies")
    SocialAccountFactory(name="Parents group", owner=owner)
    login_verified(client, UserFactory(is_superuser=True))

    listing = client.get(reverse("publishing_accounts:index")).content.decode()
    form = client.get(reverse("publishing_accounts:add")).content.decode()

    assert "Jo Davies" in listing
    assert "jdavies01" not in listing
    assert ">Jo Davies<" in form or "Jo Davies</label>" in form or "Jo Davies\n" in form
