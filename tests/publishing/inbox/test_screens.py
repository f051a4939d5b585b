"""The inbox as staff see it: their school's comments, time left to reply, the
words of a comment with the safeguarding lead kept from everyone else, every action
a plain form, and odd input answered clearly."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from publishing.inbox.models import InboxItem, InboxReading
from publishing.inbox.services import inbox_read
from tests.factories import SocialAccountFactory, UserFactory, staff
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(facebook_page, facebook_account, school_post, amelia):
    facebook_page.add_comment(
        school_post, message="What time is pick-up?", author_name="Siân"
    )
    facebook_page.add_comment(school_post, message="Amelia Jones was brilliant")
    inbox_read(account=facebook_account)
    return InboxItem.objects.all()


def test_a_manager_sees_the_comments_with_time_left_and_not_the_flagged_words(
    client, comments, managers
):
    login_verified(client, managers[0])
    page = client.get("/admin/inbox/").content.decode()

    assert "What time is pick-up?" in page
    assert "left" in page
    assert "Amelia Jones" not in page
    assert "Hidden and with the safeguarding lead." in page
    assert "1 comment is waiting for the safeguarding lead." in page


def test_the_dsl_reads_the_flagged_comment_and_marks_it_seen(client, comments, dsl):
    flagged = comments.get(flagged_for_dsl=True)
    login_verified(client, dsl)
    page = client.get(f"/admin/inbox/{flagged.pk}/").content.decode()
    assert "Amelia Jones was brilliant" in page
    assert "Names a pupil in full" in page

    client.post(f"/admin/inbox/{flagged.pk}/dsl-seen/")
    flagged.refresh_from_db()
    assert flagged.dsl_seen_at is not None


def test_staff_who_run_no_account_get_no_inbox(client, comments):
    login_verified(client, staff("teacher", EDITORS))
    for url in ("/admin/inbox/", f"/admin/inbox/{comments.first().pk}/"):
        page = client.get(url, follow=True).content.decode()
        assert "you do not have permission" in page
        assert "What time is pick-up?" not in page
    assert "Social inbox" not in client.get("/admin/").content.decode()


def test_a_manager_of_another_account_does_not_see_these_comments(client, comments):
    other = staff("other-manager", EDITORS)
    SocialAccountFactory(name="Other", managers=[other, UserFactory()])
    login_verified(client, other)
    assert "What time is pick-up?" not in client.get("/admin/inbox/").content.decode()
    assert client.get(f"/admin/inbox/{comments.first().pk}/").status_code == 404


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=99999", "?state=bogus", "?account=x"]
)
def test_odd_addresses_show_the_inbox_not_an_error(client, comments, managers, query):
    login_verified(client, managers[0])
    answer = client.get("/admin/inbox/" + query)
    assert answer.status_code == 200
    assert "What time is pick-up?" in answer.content.decode()


def test_replying_from_the_screen_sends_it_and_says_so(
    client, comments, managers, facebook_page
):
    item = comments.get(flagged_for_dsl=False)
    login_verified(client, managers[0])
    answer = client.post(
        f"/admin/inbox/{item.pk}/reply/", {"text": "Pick-up is at 3:15."}, follow=True
    )
    assert "Reply sent." in answer.content.decode()
    assert [
        c["message"] for c in facebook_page.state()["comments"] if c["by_page"]
    ] == ["Pick-up is at 3:15."]


def test_an_empty_reply_is_a_clear_message(client, comments, managers):
    item = comments.get(flagged_for_dsl=False)
    login_verified(client, managers[0])
    answer = client.post(f"/admin/inbox/{item.pk}/reply/", {"text": ""}, follow=True)
    assert "Write a reply" in answer.content.decode()


def test_x_reading_is_off_until_the_cost_shown_is_accepted(
    client, db, x_emulator, settings
):
    head = UserFactory(username="head")
    head.groups.add(Group.objects.get(name=SENIOR_LEADERSHIP))
    account = SocialAccountFactory(name="School X", network="x")
    login_verified(client, head)
    url = f"/admin/inbox/account/{account.pk}/"

    page = client.get(url).content.decode()
    assert "Estimated cost: about $2.00 a month." in page  # 200 expected x 2 x $0.005

    answer = client.post(
        url,
        {"enabled": "on", "mode": "polling", "expected_items_per_month": "1000"},
        follow=True,
    )
    assert (
        "Reading X costs about $10.00 a month. Tick the box" in answer.content.decode()
    )
    assert not InboxReading.objects.filter(account=account, enabled=True).exists()

    client.post(
        url,
        {
            "enabled": "on",
            "mode": "polling",
            "expected_items_per_month": "1000",
            "accept_cost": "on",
        },
    )
    reading = InboxReading.objects.get(account=account)
    assert reading.enabled and reading.cost_accepted_by == head


def test_overdue_comments_are_on_the_managers_dashboard(client, comments, managers):
    item = comments.get(flagged_for_dsl=False)
    InboxItem.objects.filter(pk=item.pk).update(
        due_at=item.received_at - datetime.timedelta(minutes=1)
    )
    login_verified(client, managers[0])
    page = client.get("/admin/").content.decode()
    assert "1 comment is past its reply time" in page
    assert f"/admin/inbox/{item.pk}/" in page


def test_the_inbox_shows_each_accounts_median_and_longest_response(
    client, comments, managers
):
    item = comments.get(flagged_for_dsl=False)
    arrived = timezone.now() - datetime.timedelta(hours=5)
    InboxItem.objects.filter(pk=item.pk).update(
        state=InboxItem.State.ANSWERED,
        received_at=arrived,
        answered_at=arrived + datetime.timedelta(hours=3, minutes=20),
    )
    login_verified(client, managers[0])
    page = client.get("/admin/inbox/").content.decode()
    assert '<td class="inbox-median">3 h 20 min</td>' in page
    assert '<td class="inbox-worst">3 h 20 min</td>' in page
