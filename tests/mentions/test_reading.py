"""The scheduled read: feeds and the Bluesky search of every school, each post
once, posts naming a pupil or a member of staff flagged, another school's names
and posts kept apart, and the emails each person chose."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from emulators.feeds import alert_feed
from mentions.models import Mention, MentionEmail, MentionFeed, MentionSearch
from mentions.services import mentions_read
from moderation.roles import SAFEGUARDING
from publishing.scheduled_jobs.services import scheduled_job_run
from publishing.services.accounts import account_credentials_store
from schools.services import membership_remove
from tests import factories
from tests.mentions.conftest import entry
from tests.trust_schools import school_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def bluesky_account(settings, bluesky_emulator, school, head):
    settings.SOCIAL_BLUESKY_PDS_URL = bluesky_emulator.base_url
    account = factories.SocialAccountFactory(
        name="School Bluesky", network="bluesky", handle="@ourschool.bsky.social"
    )
    account_credentials_store(
        account=account, credentials=bluesky_emulator.credentials, by=head
    )
    return account


def test_posts_naming_a_pupil_or_a_teacher_are_flagged(
    school, feed_server, amelia, teacher
):
    url = feed_server.publish(
        "/alerts.xml",
        alert_feed(
            [
                entry(1, "Meadowbank choir sings", content="Well done Amelia Jones!"),
                entry(2, "Mr Dafydd Price retires from Meadowbank"),
                entry(3, "Meadowbank fair raises £2,000"),
            ]
        ),
    )
    MentionFeed.objects.create(site=school, title="Google Alert", url=url)

    assert mentions_read(now=timezone.now()).startswith("3 new mention(s)")

    assert Mention.objects.get(url__endswith="story-1").names_learner
    assert Mention.objects.get(url__endswith="story-2").names_staff
    assert not Mention.objects.get(url__endswith="story-3").flagged


def test_another_schools_pupils_are_not_flagged_here(school, feed_server):
    other = school_site(2)
    factories.LearnerFactory(first_name="Amelia", last_name="Jones", site=other)
    url = feed_server.publish("/a.xml", alert_feed([entry(1, "Amelia Jones sings")]))
    MentionFeed.objects.create(site=school, title="Alert", url=url)
    mentions_read(now=timezone.now())
    assert not Mention.objects.get().flagged


def test_bluesky_search_finds_others_posts_not_the_schools_own(
    school, bluesky_account, bluesky_emulator
):
    bluesky_emulator.add_network_post(
        text="Lovely concert at Meadowbank Primary tonight", display_name="A parent"
    )
    bluesky_emulator.add_network_post(text="Nothing about schools here")
    bluesky_emulator.add_network_post(
        text="Meadowbank Primary news", handle="ourschool.bsky.social"
    )
    MentionSearch.objects.create(site=school, terms="Meadowbank Primary\n")

    mentions_read(now=timezone.now())
    mentions_read(now=timezone.now())

    mention = Mention.objects.get()
    assert mention.source == Mention.Source.BLUESKY
    assert mention.text == "Lovely concert at Meadowbank Primary tonight"
    assert mention.author == "A parent"
    assert mention.url.startswith(bluesky_emulator.base_url + "/profile/")


def test_a_failed_search_keeps_its_reason_and_finds_the_post_next_time(
    school, bluesky_account, bluesky_emulator
):
    bluesky_emulator.add_network_post(text="Meadowbank sports day")
    search = MentionSearch.objects.create(site=school, terms="Meadowbank")
    bluesky_emulator.fail_next("server_error", path_contains="searchPosts")

    mentions_read(now=timezone.now())
    search.refresh_from_db()
    assert "temporary problem" in search.problem
    assert not Mention.objects.exists()

    mentions_read(now=timezone.now())
    search.refresh_from_db()
    assert search.problem == ""
    assert Mention.objects.count() == 1


def test_without_a_bluesky_account_the_search_says_what_to_do(school):
    search = MentionSearch.objects.create(site=school, terms="Meadowbank")
    mentions_read(now=timezone.now())
    search.refresh_from_db()
    assert "Connect the school's Bluesky account" in search.problem


def test_each_person_gets_new_mentions_as_often_as_they_chose(
    school, feed_server, dsl, head, amelia
):
    start = timezone.now()
    MentionEmail.objects.create(
        site=school, user=dsl, frequency="immediate", sent_until=start
    )
    MentionEmail.objects.create(
        site=school, user=head, frequency="daily", sent_until=start
    )
    left = factories.staff("left", SAFEGUARDING, email="left@school.example")
    MentionEmail.objects.create(
        site=school, user=left, frequency="immediate", sent_until=start
    )
    membership_remove(user=left, site=school, role=SAFEGUARDING)  # left the school
    url = feed_server.publish(
        "/a.xml",
        alert_feed(
            [
                entry(1, "Meadowbank wins the cup"),
                entry(2, "Amelia Jones scores for Meadowbank"),
            ]
        ),
    )
    MentionFeed.objects.create(site=school, title="Alert", url=url)

    mentions_read(now=start + datetime.timedelta(minutes=15))
    assert [message.to for message in mail.outbox] == [["dsl@school.example"]]
    body = mail.outbox[0].body
    assert "Meadowbank wins the cup" in body
    assert "https://news.example/story-1" in body
    assert "Amelia Jones" not in body
    assert "names someone" in body

    mentions_read(now=start + datetime.timedelta(hours=2))
    assert len(mail.outbox) == 1  # nothing new for the DSL; the head's day not up

    mentions_read(now=start + datetime.timedelta(days=1, minutes=1))
    assert mail.outbox[-1].to == ["head@school.example"]
    assert "2 new posts about" in mail.outbox[-1].body
    assert len(mail.outbox) == 2


def test_the_scheduled_job_reads_once_per_slot_whichever_host_wakes_it(
    school, feed_server
):
    url = feed_server.publish("/a.xml", alert_feed([entry(1, "Meadowbank fair")]))
    MentionFeed.objects.create(site=school, title="Alert", url=url)
    now = timezone.now()

    first = scheduled_job_run(name="read-mentions", now=now)
    again = scheduled_job_run(name="read-mentions", now=now)

    assert first.outcome == "1 new mention(s), 0 email(s) sent."
    assert again is None
    assert feed_server.requests == ["/a.xml"]
