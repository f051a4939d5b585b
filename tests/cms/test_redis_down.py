"""Redis down: the website and the admin go on without the cache, never an error page.

The cache is the production one (django-redis) pointed at a port where nothing
listens, as when Redis has stopped: every read is a miss, every write is dropped, and
the log says so once, not on every request.
"""

import logging
import socket

import pytest

from cms.caching.generation import forget_local_copy
from tests.factories import NewsPageFactory, NoticePageFactory, UserFactory
from tests.school_site import pinned_notice
from tests.twofactor import login_verified

CACHE = "X-Page-Cache"


def _unreachable_redis(settings) -> dict:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    return {
        **settings.CACHES,
        "default": {**settings.REDIS_CACHE, "LOCATION": f"redis://127.0.0.1:{port}/0"},
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = _unreachable_redis(settings)
    forget_local_copy()
    yield
    forget_local_copy()


def test_parents_still_read_every_page(client, school, redis_down, caplog):
    story = NewsPageFactory(parent=school.news_index, title="Snow day plans")
    notice = NoticePageFactory(parent=school.notices, title="Flu clinic")
    pinned_notice(school.notices, "School closed today")

    with caplog.at_level(logging.WARNING):
        pages = {
            url: client.get(url)
            for url in (
                school.home.url,
                school.news_index.url + "?page=abc",
                story.url,
                notice.url,
                "/api/v2/pages/?type=cms.NewsPage&fields=date,summary",
                "/feeds/news.xml",
                "/term-dates/",
            )
        }
        again = client.get(school.home.url)

    for url, response in pages.items():
        assert response.status_code == 200, url
    assert "Snow day plans" in pages[school.home.url].content.decode()
    assert "School closed today" in pages[story.url].content.decode()
    assert again.status_code == 200 and "Snow day plans" in again.content.decode()
    said = [r for r in caplog.records if r.name == "config.cache_unavailable"]
    assert len(said) == 1  # once, not once per cache call


def test_a_new_post_shows_at_once_without_redis(client, school, redis_down):
    client.get(school.home.url)

    NewsPageFactory(parent=school.news_index, title="Hall closed")

    assert "Hall closed" in client.get(school.home.url).content.decode()


def test_staff_still_work_in_the_admin(client, school, redis_down):
    login_verified(client, UserFactory(is_staff=True, is_superuser=True))

    for url in ("/admin/", f"/admin/pages/{school.news_index.pk}/", "/admin/images/"):
        assert client.get(url).status_code == 200, url


def test_a_change_made_while_redis_was_unreachable_still_reaches_parents(
    client, school, settings
):
    """The cache write is lost, the change commits; when the cache answers again with
    the generation from before, the database's record of the change retires it."""
    settings.CONTENT_CHANGE_CHECK_SECONDS = 0
    working_caches = settings.CACHES
    assert "Hall closed" not in client.get(school.home.url).content.decode()
    assert client.get(school.home.url)[CACHE] == "hit"

    settings.CACHES = _unreachable_redis(settings)
    NewsPageFactory(parent=school.news_index, title="Hall closed")
    settings.CACHES = working_caches  # back, holding the page from before the change
    forget_local_copy()

    assert "Hall closed" in client.get(school.home.url).content.decode()
