"""The news index pages through the news; a bad ?page= never errors."""

import datetime

import pytest

from cms.models import NEWS_PER_PAGE
from cms.pagination import page_number_from
from tests.factories import NewsPageFactory

NEWS_COUNT = NEWS_PER_PAGE * 2 + 3  # three pages, the last one short


@pytest.fixture
def news(school):
    start = datetime.date(2026, 1, 1)
    return [
        NewsPageFactory(
            parent=school.news_index,
            title=f"Story {number:02d}",
            date=start + datetime.timedelta(days=number),
        )
        for number in range(NEWS_COUNT)
    ]


def titles_on(response) -> list[str]:
    html = response.content.decode()
    return [
        title
        for title in (f"Story {n:02d}" for n in range(NEWS_COUNT))
        if title in html
    ]


def test_first_page_shows_the_newest_news(client, school, news):
    response = client.get(school.news_index.url)

    assert response.status_code == 200
    shown = titles_on(response)
    assert len(shown) == NEWS_PER_PAGE
    assert f"Story {NEWS_COUNT - 1:02d}" in shown
    assert "Page 1 of 3" in response.content.decode()


def test_second_page_continues_where_the_first_stopped(client, school, news):
    response = client.get(school.news_index.url, {"page": "2"})

    shown = titles_on(response)
    assert len(shown) == NEWS_PER_PAGE
    assert f"Story {NEWS_COUNT - 1 - NEWS_PER_PAGE:02d}" in shown
    assert "Page 2 of 3" in response.content.decode()


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "", "1.5", "%00", "9" * 5000])
def test_a_bad_page_number_shows_the_first_page(client, school, news, bad):
    response = client.get(school.news_index.url, {"page": bad})

    assert response.status_code == 200
    assert "Page 1 of 3" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, school, news):
    response = client.get(school.news_index.url, {"page": "99999"})

    assert response.status_code == 200
    assert "Page 3 of 3" in response.content.decode()
    assert len(titles_on(response)) == 3


def test_an_empty_news_index_says_there_is_no_news(client, school):
    response = client.get(school.news_index.url, {"page": "7"})

    assert response.status_code == 200
    assert "There is no news yet." in response.content.decode()


def test_unpublished_news_is_not_listed(client, school, news):
    news[-1].unpublish()

    shown = titles_on(client.get(school.news_index.url))

    assert f"Story {NEWS_COUNT - 1:02d}" not in shown


@pytest.mark.parametrize(
    ("value", "number"), [(None, 1), ("3", 3), (" 2 ", 2), ("-4", 1), ("x", 1)]
)
def test_page_number_from(value, number):
    assert page_number_from(value) == number
