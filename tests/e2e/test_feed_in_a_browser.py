"""A parent who taps the RSS link sees a page of the website, not a screen of code.

No XSLT (Chromium is removing it and shows a warning on pages that use it): the
browser asks for HTML and gets a readable page with dates as people write them.
"""

import datetime

import pytest
from wagtail.models import Site

from tests.e2e.axe import blocking_violations
from tests.factories import NewsPageFactory
from tests.school_site import build_school_site


@pytest.mark.e2e
def test_the_news_feed_reads_as_a_page_in_a_browser(
    transactional_db, live_server, browser
):
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    NewsPageFactory(
        parent=school.news_index,
        title="Library reopens",
        summary="Books!",
        date=datetime.date(2026, 12, 4),
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    warnings = []
    page.on("console", lambda message: warnings.append(message.text))

    response = page.goto(live_server.url + "/feeds/news.xml")

    assert response.headers["content-type"].startswith("text/html")
    text = page.locator("main").inner_text()
    assert "news feed" in text and "copy this address" in text
    assert "Friday 4 December 2026" in text
    assert page.get_by_role("link", name="Library reopens").is_visible()
    assert not [line for line in warnings if "XSLT" in line]
    assert blocking_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
