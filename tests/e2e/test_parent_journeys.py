"""A parent with no social media finds everything on the website, on a phone or desktop.

Term dates and the calendar subscription, search, the "Our social media" page, and a
news post printed for the fridge. Screenshots are left under test-artifacts/journeys/.
"""

from pathlib import Path

import pytest
from wagtail.models import Site

from tests.factories import NewsPageFactory, TermDateFactory
from tests.school_site import build_school_site, pinned_notice

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


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
    TermDateFactory(title="Spring term begins")
    return school


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_parent_finds_term_dates_search_and_the_schools_accounts(
    live_server, school_online, browser, device
):
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    page = context.new_page()
    page.goto(live_server.url + "/")
    latest = page.get_by_role("link", name="Library reopens")
    # The latest news starts on the first screen, under the pinned notice.
    assert latest.bounding_box()["y"] < page.viewport_size["height"]
    shot(page, f"{device}-home")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Term dates"
    ).click()
    page.wait_for_url("**/term-dates/")
    assert page.get_by_text("Spring term begins").is_visible()
    subscribe = page.get_by_role("link", name="subscribe to the term dates calendar")
    assert subscribe.get_attribute("href").endswith("/feeds/term-dates.ics")
    calendar = page.request.get(live_server.url + "/feeds/term-dates.ics")
    assert "SUMMARY:Spring term begins" in calendar.text()
    shot(page, f"{device}-term-dates")

    search_box = page.get_by_role("search", name="Site search").get_by_role("searchbox")
    search_box.fill("library")
    search_box.press("Enter")
    page.wait_for_url("**/search/?q=library")
    assert page.get_by_role("link", name="Library reopens").is_visible()
    assert page.get_by_role("status").inner_text().startswith("1 result")
    shot(page, f"{device}-search")

    page.get_by_role("link", name="Our social media").first.click()
    page.wait_for_url("**/our-social-media/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our social media"
    assert page.get_by_text("Please contact the school office").is_visible()
    shot(page, f"{device}-social-media")
    context.close()


def test_on_a_phone_the_latest_news_starts_on_the_first_screen_under_two_notices(
    live_server, school_online, browser
):
    pinned_notice(
        school_online.notices,
        "Christmas holiday: the office reopens on 5 January",
        kind="holiday",
        message="<p>" + "The school is closed for the holiday. " * 12 + "</p>",
    )
    page = browser.new_page(**PHONE)
    page.goto(live_server.url + "/")
    band = page.get_by_role("region", name="Important notices")
    assert band.get_by_text("Snow: the school is closed today", exact=True).is_visible()
    assert band.get_by_text(
        "Christmas holiday: the office reopens on 5 January", exact=True
    ).is_visible()
    latest = page.get_by_role("link", name="Library reopens")
    box = latest.bounding_box()
    shot(page, "phone-home-two-notices")
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    page.close()


def test_a_news_post_prints_without_the_sites_navigation(
    live_server, school_online, browser
):
    page = browser.new_page(**DESKTOP)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Library reopens").click()
    page.wait_for_url("**/news/**")
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).inner_text() == "Library reopens"
    assert page.get_by_text("Classes visit every week.").is_visible()
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("search", name="Site search").is_visible()
    # The office's contact details stay on paper.
    assert page.get_by_text("01234 567 890").is_visible()
    shot(page, "print-news-post")
    page.pdf(path=ARTIFACTS / "print-news-post.pdf")
    page.close()
