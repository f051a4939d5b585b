"""A browser that opens the news feed gets a page of the website; readers get RSS.

Chromium is removing XSLT (and warns visitors about pages that use it), so the feed
no longer relies on a stylesheet: a browser, which asks for HTML first, gets a
readable page with dates as people write them; a feed reader gets the RSS.
"""

import datetime

from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.urls import reverse

from tests.factories import NewsPageFactory

BROWSER = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
    "image/webp,image/apng,*/*;q=0.8"
)


def test_a_browser_gets_a_readable_page_with_dates_as_people_write_them(client, school):
    story = NewsPageFactory(
        parent=school.news_index,
        title="Library reopens",
        summary="Books!",
        date=datetime.date(2026, 12, 4),
    )

    response = client.get(reverse("news_feed"), headers={"Accept": BROWSER})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"xml-stylesheet" not in response.content
    soup = BeautifulSoup(response.content, "html.parser")
    main = " ".join(soup.find("main").get_text(" ").split())
    assert "news feed" in main
    assert "copy this address" in main
    assert "http://testserver/feeds/news.xml" in main
    assert "Friday 4 December 2026" in main
    assert soup.find("a", string="Library reopens")["href"] == story.url
    assert soup.find("footer") is not None  # a page of the website, with its chrome


def test_feed_readers_still_get_rss_without_a_stylesheet(client, school):
    NewsPageFactory(parent=school.news_index, title="Library reopens")

    for accept in ("application/rss+xml", "*/*", "application/xml"):
        response = client.get(reverse("news_feed"), headers={"Accept": accept})

        assert response["Content-Type"].startswith("application/rss+xml"), accept
        assert b"xml-stylesheet" not in response.content
        channel = ElementTree.fromstring(response.content).find("channel")
        assert channel.find("item").findtext("title") == "Library reopens"
