"""Query budgets on a big school (thousands of pages): what one uncached view costs.

The page cache is switched off here, so each view is rendered as it is for the first
parent after a change (or for staff); the site chrome is built once per content
change, as in production. Budgets from the snow-day issue: home 8, news index 8,
news page 6, notice 5, API listing 5.
"""

import datetime
import re

import pytest
from django.utils import timezone

from cms.caching.generation import content_changed
from cms.demo_scale import demo_school_scale
from cms.models import NewsPage
from tests.factories import NoticePageFactory, TermDateFactory
from tests.school_site import pinned_notice

SCALE_NEWS = 2_000
API_LISTING = (
    "/api/v2/pages/?type=cms.NewsPage"
    "&fields=date,summary,categories,listing_image_thumbnail&limit=10"
)
BUDGETS = {"home": 8, "news index": 8, "news page": 6, "notice": 5, "api": 5}


@pytest.fixture
def big_school(school, settings):
    settings.PAGE_CACHE_ENABLED = False
    demo_school_scale(index=school.news_index, news=SCALE_NEWS)
    pinned_notice(school.notices, "Snow: school closed today")
    notice = NoticePageFactory(
        parent=school.notices,
        title="Flu clinic",
        valid_until=timezone.now() + datetime.timedelta(days=3),
    )
    for days in range(8):
        TermDateFactory(starts_on=timezone.localdate() + datetime.timedelta(days))
    with_photo = NewsPage.objects.get(slug="scale-news-00000")  # a body photo too
    assert with_photo.body[1].block_type == "image"
    return {
        "home": school.home.url,
        "news index": school.news_index.url + "?page=37",
        "news page": with_photo.url,
        "notice": notice.url,
        "api": API_LISTING,
    }


def test_every_page_stays_within_its_query_budget(
    client, big_school, django_assert_max_num_queries
):
    assert NewsPage.objects.live().count() >= SCALE_NEWS
    for url in big_school.values():
        assert client.get(url).status_code == 200  # renditions made, chrome built

    for name, url in big_school.items():
        with django_assert_max_num_queries(BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        if name != "api":
            assert "Snow: school closed today" in response.content.decode(), name
    assert len(client.get(API_LISTING).json()["items"]) == 10


def test_rebuilding_the_site_chrome_costs_more_than_the_budget(
    client, big_school, django_assert_max_num_queries
):
    """Control: the first view after a content change rebuilds the chrome, and
    without the per-generation chrome every view would break the budget."""
    client.get(big_school["home"])
    content_changed(reason="a notice was pinned")
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(BUDGETS["home"]):
            client.get(big_school["home"])


def test_the_news_index_shows_a_window_of_page_links(client, big_school):
    html = client.get(big_school["news index"]).content.decode()

    nav = html[html.index('aria-label="News pages"') :]
    nav = nav[: nav.index("</nav>")]
    numbers = [int(n) for n in re.findall(r"page=(\d+)\"><span", nav)]
    assert numbers == [1, 35, 36, 38, 39, 200]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>37' in nav
    assert "…" in nav
    assert len(html) < 20_000
