"""X replies are read only when the school turned them on; each comment's reply-by
time follows the school calendar; overdue comments are emailed once."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from wagtail.models import Site

from cms.calendar_settings import MonitoringHours
from publishing.inbox.alerts import overdue_remind
from publishing.inbox.due import reply_due_at
from publishing.inbox.models import InboxItem, InboxReading
from publishing.inbox.services import accounts_to_read, inbox_read, inboxes_read
from publishing.networks.x import XNetwork
from publishing.services.accounts import account_credentials_store
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def x_account(settings, x_emulator, managers):
    settings.SOCIAL_X_API_BASE_URL = x_emulator.base_url
    settings.SOCIAL_X_CONSUMER_KEY = x_emulator.app_credentials["consumer_key"]
    settings.SOCIAL_X_CONSUMER_SECRET = x_emulator.app_credentials["consumer_secret"]
    account = factories.SocialAccountFactory(
        name="School X", network="x", managers=managers
    )
    account_credentials_store(
        account=account,
        credentials={
            "access_token": x_emulator.credentials["access_token"],
            "access_token_secret": x_emulator.credentials["access_token_secret"],
        },
        by=managers[0],
    )
    return account


def test_x_is_not_read_until_turned_on_then_replies_arrive(
    x_emulator, x_account, managers
):
    post = XNetwork(credentials=x_emulator.credentials).publish(
        text="Sports day!", images=[]
    )
    x_emulator.add_mention(
        "@OurSchool what a day", name="Gwen", in_reply_to=post.remote_id
    )
    now = timezone.now()

    assert x_account not in list(accounts_to_read(now=now))
    inboxes_read(now=now)
    assert InboxItem.objects.count() == 0

    InboxReading.objects.create(
        account=x_account,
        site=Site.objects.get(is_default_site=True),
        enabled=True,
        cost_accepted_by=managers[0],
        cost_accepted_at=now,
    )
    assert inboxes_read(now=now) == "1 account(s) read, 1 new comment(s)."
    item = InboxItem.objects.get()
    assert (item.author_name, item.text, item.post_remote_id) == (
        "Gwen",
        "@OurSchool what a day",
        post.remote_id,
    )


def test_x_cannot_hide_so_a_harmful_reply_is_top_priority(
    x_emulator, x_account, managers
):
    InboxReading.objects.create(
        account=x_account,
        site=Site.objects.get(is_default_site=True),
        enabled=True,
        cost_accepted_at=timezone.now(),
    )
    x_emulator.add_mention("@OurSchool call me 07700 900123")
    inbox_read(account=x_account)
    item = InboxItem.objects.get()
    assert item.top_priority and item.flagged_for_dsl and not item.hidden_on_network


def test_a_friday_evening_comment_is_due_by_the_end_of_monday(home_page):
    friday_evening = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=LONDON)
    due = reply_due_at(received_at=friday_evening, site=home_page.get_site())
    closes = MonitoringHours._meta.get_field("closes_at").default
    assert (due.date(), due.time()) == (datetime.date(2026, 11, 30), closes)


def test_a_tuesday_morning_comment_is_due_24_hours_later(home_page):
    tuesday = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    due = reply_due_at(received_at=tuesday, site=home_page.get_site())
    assert due == tuesday + datetime.timedelta(hours=24)


def test_an_overdue_comment_is_emailed_to_the_managers_once(
    facebook_page,
    facebook_account,
    school_post,
    managers,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    facebook_page.add_comment(school_post, message="Anyone there?")
    inbox_read(account=facebook_account)
    item = InboxItem.objects.get()
    later = item.due_at + datetime.timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_remind(now=later) == 1
        assert overdue_remind(now=later) == 0

    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted(m.email for m in managers)
    assert "Anyone there?" not in mailoutbox[0].body
