"""Site search over news, notices and pages: results, paging, empty and odd queries."""

import pytest
from django.urls import reverse

from cms.views import SEARCH_RESULTS_PER_PAGE
from tests.factories import NewsPageFactory, NoticePageFactory, StandardPageFactory


@pytest.fixture
def content(school):
    NewsPageFactory(
        parent=school.news_index, title="Library reopens", summary="New books"
    )
    NoticePageFactory(
        parent=school.notices,
        title="Library closed on Friday",
        message="<p>Books due back Monday.</p>",
    )
    StandardPageFactory(
        parent=school.home, title="Uniform", intro="Jumpers in the library colours"
    )
    NewsPageFactory(parent=school.news_index, title="Sports day", summary="Races")


def search(client, **params):
    return client.get(reverse("search"), params)


def test_search_finds_news_notices_and_pages(client, content):
    response = search(client, q="library")

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 results for “library”" in html
    assert "Library reopens" in html
    assert "Library closed on Friday" in html
    assert "Uniform" in html
    assert "Sports day" not in html
    assert '<p class="meta">News · ' in html
    assert '<p class="meta">Notice</p>' in html


def test_unpublished_pages_are_not_found(client, school, content):
    draft = NewsPageFactory(parent=school.news_index, title="Library secret plans")
    draft.unpublish()

    html = search(client, q="library").content.decode()

    assert "Library secret plans" not in html


@pytest.mark.parametrize("query", ["", "   ", None])
def test_an_empty_search_asks_for_words(client, content, query):
    response = search(client) if query is None else search(client, q=query)

    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ['"', '"library', "(", "NEAR", "a*", "col:val", "-", "\x00", "😀", "x" * 5000,
     "'; DROP TABLE wagtailcore_page; --", "AND OR NOT"],
)  # fmt: skip
def test_odd_queries_never_error(client, content, query):
    response = search(client, q=query)

    assert response.status_code == 200
    assert "Search the website" in response.content.decode()


def test_punctuation_around_a_word_still_finds_it(client, content):
    html = search(client, q='"library').content.decode()

    assert "3 results" in html


def test_search_results_are_paginated_and_a_bad_page_is_forgiven(client, school):
    for number in range(SEARCH_RESULTS_PER_PAGE + 2):
        NewsPageFactory(parent=school.news_index, title=f"Trip report {number}")

    first = search(client, q="trip").content.decode()
    last = search(client, q="trip", page="99").content.decode()
    bad = search(client, q="trip", page="abc")

    assert "page 1 of 2" in first
    assert "page=2" in first and "q=trip" in first
    assert "page 2 of 2" in last
    assert bad.status_code == 200
    assert "page 1 of 2" in bad.content.decode()


def test_no_results_says_so(client, content):
    html = search(client, q="giraffe").content.decode()

    assert "No results for “giraffe”" in html
