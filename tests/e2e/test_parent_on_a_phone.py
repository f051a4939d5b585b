"""A parent on a phone: the pinned notice first, then a story; keyboard focus shows."""

import pytest
from wagtail.models import Site

from tests.factories import NewsPageFactory
from tests.school_site import build_school_site, pinned_notice

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def school_online(transactional_db, live_server):
    site = Site.objects.get(is_default_site=True)
    school = build_school_site(site.root_page.specific)
    pinned_notice(school.notices, "Snow: the school is closed today")
    NewsPageFactory(
        parent=school.news_index,
        title="Library reopens",
        summary="Six hundred new books.",
        body=[("paragraph", "<p>Classes visit every week.</p>")],
    )
    return school


@pytest.mark.e2e
def test_parent_reads_the_news_on_a_phone(live_server, school_online, browser):
    # Fixture order matters: the school is written before Playwright starts, so every
    # ORM call runs in the test's own context and its connection is closed at teardown.
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)

    page.goto(live_server.url + "/")

    main = page.locator("main")
    first_text = main.locator("p, h1, h2, li").first
    assert "Snow: the school is closed today" in first_text.inner_text()
    band = page.get_by_role("region", name="Important notices")
    heading = page.get_by_role("heading", level=1)
    assert band.bounding_box()["y"] < heading.bounding_box()["y"]
    assert band.bounding_box()["width"] <= PHONE["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]  # nothing to scroll sideways on a phone

    page.get_by_role("link", name="Library reopens").click()

    page.wait_for_url("**/news/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Library reopens"
    assert page.get_by_text("Classes visit every week.").is_visible()

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    style = page.evaluate(
        """element => {
            const s = getComputedStyle(element);
            return {tag: element.tagName, background: s.backgroundColor,
                    shadow: s.boxShadow, outline: s.outlineStyle};
        }""",
        focused,
    )
    assert style["tag"] == "A"
    # The yellow focus highlight, visible against the dark header.
    assert style["background"] == "rgb(255, 221, 0)"
    assert style["shadow"] != "none"
    page.close()
