"""Who gets the news feed's readable page and who gets the RSS, at one address.

A parent who taps "News feed" opens /feeds/news.xml in a browser: it asks for HTML
first, so it gets a page of the website saying what a feed is, with the stories.
A feed reader asks for RSS or XML (or anything, ``*/*``), so it gets the RSS. No
XSLT: Chromium is removing it and already warns visitors about pages that use it.

The page cache keys the feed's two answers with this same function, so a cached
page is never served to a reader, nor the RSS to a browser.
"""

from __future__ import annotations

from django.http import HttpRequest

#: What the feed can answer with, the RSS first: it wins a tie (``*/*``, no Accept).
FEED_TYPES = ["application/rss+xml", "application/xml", "text/xml", "text/html"]


def feed_page_wanted(request: HttpRequest) -> bool:
    """True when the client prefers HTML to every XML type: a browser, not a reader."""
    return request.get_preferred_type(FEED_TYPES) == "text/html"
