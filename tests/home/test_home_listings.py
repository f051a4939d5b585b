"""The home page's lists are read once per content change, and never shown stale.

A reader with a session cookie gets every page rendered in full (the page cache
steps aside for them), as does the first reader after each change on a snow morning;
the news, notices and dates the home page lists are kept per content generation so
such a render costs one query at most, and every change still shows at once.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.caching.generation import content_changed
from tests.factories import NewsPageFactory, NoticePageFactory, TermDateFactory

SESSION_COOKIE = {"HTTP_COOKIE": "sessionid=a-parent-signed-in-elsewhere"}


@pytest.fixture
def home(client, school):
    def view() -> str:
        response = client.get(school.home.url, **SESSION_COOKIE)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response  # rendered in full
        return response.content.decode()

    return view


def _tables_read(view) -> str:
    with CaptureQueriesContext(connection) as queries:
        view()
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_the_lists_are_read_once_per_content_change(home, school):
    NewsPageFactory(parent=school.news_index, title="Library reopens")
    TermDateFactory(title="Sports day")
    home()

    again = _tables_read(home)
    assert "cms_newspage" not in again
    assert "cms_termdate" not in again
    assert "cms_noticepage" not in again

    content_changed(reason="a story was approved")
    assert "cms_newspage" in _tables_read(home)


def test_every_change_shows_on_the_next_full_render(home, school):
    story = NewsPageFactory(parent=school.news_index, title="Library reopens")
    assert "Library reopens" in home()

    NewsPageFactory(parent=school.news_index, title="Choir wins the cup")
    assert "Choir wins the cup" in home()

    TermDateFactory(title="Sports day")
    assert "Sports day" in home()

    NoticePageFactory(parent=school.notices, title="Flu vaccinations")
    assert "Flu vaccinations" in home()

    story.unpublish()
    assert "Library reopens" not in home()

    story.refresh_from_db()
    story.title = "Library reopens on Monday"
    story.save_revision().publish()
    assert "Library reopens on Monday" in home()


def test_a_notice_comes_and_goes_on_time_with_nobody_publishing(home, school):
    now = timezone.now()
    NoticePageFactory(
        parent=school.notices,
        title="Open evening",
        valid_from=now + datetime.timedelta(hours=1),
        valid_until=now + datetime.timedelta(hours=3),
    )
    assert "Open evening" not in home()

    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        assert "Open evening" in home()
    with time_machine.travel(now + datetime.timedelta(hours=4), tick=False):
        assert "Open evening" not in home()


def test_a_finished_date_leaves_coming_up_after_midnight(home, school):
    today = timezone.localdate()
    TermDateFactory(title="Book fair", starts_on=today, ends_on=today)
    assert "Book fair" in home()

    tomorrow = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(7))
    )
    with time_machine.travel(tomorrow, tick=False):
        assert "Book fair" not in home()
