"""Alert feeds read over real HTTP from the local feed server, the hostile ones
included: each is refused with its reason shown, and nothing else is harmed."""

from __future__ import annotations

import feedparser
import pytest
from django.utils import timezone

from emulators.feeds import BILLION_LAUGHS, EXTERNAL_ENTITY, alert_feed
from mentions.models import Mention, MentionFeed
from mentions.services import feed_read
from tests.mentions.conftest import entry

pytestmark = pytest.mark.django_db


def _feed(school, url: str) -> MentionFeed:
    return MentionFeed.objects.create(site=school, title="Alert", url=url)


def test_a_google_alert_feed_brings_each_post_once_with_its_real_address(
    school, feed_server
):
    url = feed_server.publish(
        "/alerts/school.xml",
        alert_feed(
            [
                entry(1, "Meadowbank <b>wins</b> award", content="A great day"),
                entry(2, "Fair at Meadowbank"),
            ]
        ),
    )
    feed = _feed(school, url)

    assert feed_read(feed=feed, now=timezone.now()) == 2
    assert feed_read(feed=feed, now=timezone.now()) == 0

    mention = Mention.objects.get(url="https://news.example/story-1")
    assert mention.title == "Meadowbank wins award"
    assert mention.text == "A great day"
    assert Mention.objects.count() == 2


def test_the_same_story_from_two_feeds_is_one_mention(school, feed_server):
    first = _feed(school, feed_server.publish("/a", alert_feed([entry(1, "Story")])))
    second = _feed(
        school,
        feed_server.publish(
            "/b",
            alert_feed(
                [
                    entry(
                        7, "Story", link="http://www.news.example/story-1/?utm_source=x"
                    )
                ]
            ),
        ),
    )
    feed_read(feed=first, now=timezone.now())
    feed_read(feed=second, now=timezone.now())
    assert Mention.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/hostile/billion-laughs", "declares XML entities"),
        ("/hostile/external-entity", "declares XML entities"),
        ("/hostile/not-xml", "did not give a readable RSS or Atom feed"),
        ("/missing.xml", "answered with error 404"),
    ],
)
def test_a_hostile_or_broken_feed_is_refused_with_its_reason(
    school, feed_server, path, problem
):
    feed = _feed(school, feed_server.url(path))
    assert feed_read(feed=feed, now=timezone.now()) == 0
    feed.refresh_from_db()
    assert problem in feed.problem
    assert feed.last_read_at is None
    assert not Mention.objects.exists()


def test_an_endless_feed_is_cut_off_at_the_size_cap(school, feed_server, settings):
    settings.MENTIONS_FEED_MAX_BYTES = 100_000
    feed = _feed(school, feed_server.url("/hostile/endless"))
    feed_read(feed=feed, now=timezone.now())
    feed.refresh_from_db()
    assert "larger than 0.1 MB" in feed.problem


def test_a_feed_that_failed_is_read_again_and_its_problem_cleared(school, feed_server):
    feed = _feed(school, feed_server.url("/later.xml"))
    feed_read(feed=feed, now=timezone.now())
    feed_server.publish("/later.xml", alert_feed([entry(1, "Now it works")]))
    assert feed_read(feed=feed, now=timezone.now()) == 1
    feed.refresh_from_db()
    assert feed.problem == ""


def test_feedparser_alone_leaves_entities_unexpanded():
    """The second line of defence: were a feed ever parsed without the refusal,
    feedparser strips its document type and expands nothing."""
    assert feedparser.parse(BILLION_LAUGHS).entries[0].title == "&lol9;"
    assert "root:" not in feedparser.parse(EXTERNAL_ENTITY).entries[0].title


def test_a_slightly_broken_feed_is_still_read(school, feed_server):
    url = feed_server.publish(
        "/broken.xml",
        b"<rss version='2.0'><channel><title>A</title><item><title>Fish & chips at "
        b"Meadowbank</title><link>https://news.example/fish</link></item>",
    )
    feed = _feed(school, url)
    assert feed_read(feed=feed, now=timezone.now()) == 1
    assert Mention.objects.get().title == "Fish & chips at Meadowbank"


def test_a_feed_on_a_private_address_is_refused_even_through_a_redirect(
    school, feed_server, settings
):
    settings.MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    feed = _feed(school, feed_server.publish("/a.xml", alert_feed([entry(1, "A")])))
    feed_read(feed=feed, now=timezone.now())
    feed.refresh_from_db()
    assert "on a private network" in feed.problem
    assert feed_server.requests == []


def test_a_name_that_leads_to_the_server_itself_is_refused_in_production(
    school, feed_server, settings
):
    settings.MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES = False  # as in production
    url = feed_server.publish("/a.xml", alert_feed([entry(1, "A")]))
    feed = _feed(school, url.replace(feed_server.host, "localhost"))
    feed_read(feed=feed, now=timezone.now())
    feed.refresh_from_db()
    assert "on a private network" in feed.problem
    assert feed_server.requests == []


def test_a_redirect_is_followed_to_the_feed(school, feed_server):
    feed_server.publish("/moved.xml", alert_feed([entry(1, "Meadowbank fair")]))
    feed = _feed(school, feed_server.redirect("/old.xml", "/moved.xml"))
    assert feed_read(feed=feed, now=timezone.now()) == 1
    assert feed_server.requests == ["/old.xml", "/moved.xml"]


def test_a_redirect_loop_is_refused(school, feed_server):
    feed = _feed(school, feed_server.redirect("/loop.xml", "/loop.xml"))
    feed_read(feed=feed, now=timezone.now())
    feed.refresh_from_db()
    assert "redirects too many times" in feed.problem


def test_a_link_that_is_not_a_web_address_is_dropped(school, feed_server):
    url = feed_server.publish(
        "/js.xml",
        b"<rss version='2.0'><channel><title>A</title><item><title>Click</title>"
        b"<link>javascript:alert(1)</link><guid>js-1</guid></item></channel></rss>",
    )
    feed_read(feed=_feed(school, url), now=timezone.now())
    mention = Mention.objects.get()
    assert mention.title == "Click"
    assert mention.url == ""
