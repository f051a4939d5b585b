"""A parent who taps the RSS link sees a readable page, not a screen of code."""

import pytest
from wagtail.models import Site

from tests.factories import NewsPageFactory
from tests.school_site import build_school_site


@pytest.mark.e2e
def test_the_news_feed_reads_as_a_page_in_a_browser(
    transactional_db, live_server, browser
):
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    NewsPageFactory(parent=school.news_index, title="Library reopens", summary="Books!")
    page = browser.new_page(viewport={"width": 390, "height": 844})

    page.goto(live_server.url + "/feeds/news.xml")

    assert "This is a news feed" in page.locator("body").inner_text()
    assert page.get_by_role("link", name="Library reopens").is_visible()
    page.close()
