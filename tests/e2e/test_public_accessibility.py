"""axe-core finds no serious or critical problem on any public page, phone or desktop.

Every page type a parent can reach is loaded in Debian's Chromium at both widths, axe
is injected, and each blocking violation is listed by rule and element. A screenshot of
each is left under test-artifacts/ for a person to look at.
"""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from wagtail.models import Site

from tests.e2e.axe import blocking_violations
from tests.factories import NewsPageFactory, StandardPageFactory, TermDateFactory
from tests.school_site import build_school_site, pinned_notice

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "accessibility"
WIDTHS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.fixture
def public_pages(transactional_db, live_server) -> dict[str, str]:
    site = Site.objects.get(is_default_site=True)
    school = build_school_site(site.root_page.specific)
    notice = pinned_notice(school.notices, "Snow: the school is closed today")
    story = NewsPageFactory(
        parent=school.news_index,
        title="Library reopens",
        summary="Six hundred new books.",
        body=[("paragraph", "<p>Classes visit every week.</p>")],
    )
    about = StandardPageFactory(parent=school.home, title="About the school")
    TermDateFactory(title="Autumn half term")
    return {
        "home": school.home.url,
        "news index": school.news_index.url,
        "news page": story.url,
        "notice index": school.notices.url,
        "notice page": notice.url,
        "standard page": about.url,
        "term dates": "/term-dates/",
        "search with hits": "/search/?q=library",
        "search without hits": "/search/?q=zebracrossing",
        "search form": "/search/",
        "social media": school.social_media.url,
        "not found": "/no-such-page/",
        "server error": "/__server-error__/",
    }


def test_no_serious_accessibility_problem_on_any_public_page(
    live_server, public_pages, browser
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The live server never fails on purpose: the school's 500 page is served as is.
    error_page = render_to_string("500.html")
    found = {}
    for width, options in WIDTHS.items():
        context = browser.new_context(**options)
        page = context.new_page()
        page.route(
            "**/__server-error__/",
            lambda route: route.fulfill(
                status=500, body=error_page, content_type="text/html"
            ),
        )
        for name, path in public_pages.items():
            response = page.goto(live_server.url + path)
            expected_status = {"not found": 404, "server error": 500}.get(name, 200)
            assert response.status == expected_status, (width, name)
            page.screenshot(
                path=ARTIFACTS / f"{width}-{name.replace(' ', '-')}.png",
                full_page=True,
            )
            problems = blocking_violations(page)
            if problems:
                found[f"{name} ({width})"] = problems
        context.close()
    assert found == {}


def test_the_check_reports_a_page_that_breaks_the_rules(browser):
    """Positive control: a picture with no alt text and an unlabelled button."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><title>Broken</title><main><img src="x.png">'
        "<button></button></main></html>"
    )
    problems = " ".join(blocking_violations(page))
    assert "image-alt" in problems
    assert "button-name" in problems
    page.close()
