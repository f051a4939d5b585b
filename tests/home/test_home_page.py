"""The home page: pinned notices first, then the latest news and upcoming dates."""

import datetime

from django.utils import timezone

from cms.models import TermDate
from tests.factories import NewsPageFactory, NoticePageFactory, TermDateFactory
from tests.school_site import pinned_notice


def test_pinned_notice_comes_before_everything_else(client, school):
    pinned_notice(school.notices, "Snow: school closed today")
    NoticePageFactory(parent=school.notices, title="Flu vaccinations")
    NewsPageFactory(parent=school.news_index, title="Library reopens")

    html = client.get(school.home.url).content.decode()

    main = html[html.index('<main id="main"') :]
    pinned = main.index("Snow: school closed today")
    assert pinned < main.index("<h1")
    assert pinned < main.index("Library reopens")
    assert pinned < main.index("Flu vaccinations")
    after_heading = main[main.index("<h1") :]
    assert "Snow: school closed today" not in after_heading  # not listed twice


def test_pinned_notice_band_is_on_every_page(client, school):
    pinned_notice(school.notices, "Snow: school closed today")
    story = NewsPageFactory(parent=school.news_index)

    for url in (story.url, school.news_index.url, "/search/?q=x", "/term-dates/"):
        assert "Snow: school closed today" in client.get(url).content.decode(), url


def test_pinned_notices_out_of_force_are_not_shown(client, school):
    now = timezone.now()
    pinned_notice(
        school.notices,
        "Last winter's closure",
        valid_from=now - datetime.timedelta(days=300),
        valid_until=now - datetime.timedelta(days=299),
    )
    pinned_notice(
        school.notices,
        "Next week's closure",
        valid_from=now + datetime.timedelta(days=6),
        valid_until=now + datetime.timedelta(days=8),
    )

    html = client.get(school.home.url).content.decode()

    assert "closure" not in html


def test_home_shows_latest_news_and_upcoming_dates(client, school):
    today = timezone.localdate()
    NewsPageFactory(parent=school.news_index, title="Library reopens")
    TermDateFactory(
        title="Sports day",
        kind=TermDate.Kind.EVENT,
        starts_on=today + datetime.timedelta(days=5),
    )
    TermDateFactory(title="Last year's fair", starts_on=today - datetime.timedelta(90))

    html = client.get(school.home.url).content.decode()

    assert html.count("<h1") == 1
    assert "Latest news" in html and "Library reopens" in html
    assert "Coming up" in html and "Sports day" in html
    assert "Last year" not in html
    assert "All term dates" in html


def test_navigation_comes_from_the_home_pages_children(client, school):
    hidden = NewsPageFactory(parent=school.news_index)  # not a child of home

    html = client.get(school.home.url).content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]

    assert f'href="{school.news_index.url}"' in nav
    assert f'href="{school.notices.url}"' in nav
    assert f'href="{school.social_media.url}"' in nav
    assert hidden.url not in nav


def test_footer_has_office_contact_details_and_social_media_link(client, school):
    html = client.get(school.home.url).content.decode()
    footer = html[html.index("<footer") :]

    assert "Contact the school office" in footer
    assert 'href="tel:01234567890"' in footer
    assert "mailto:office@meadowbank.school.example" in footer
    assert "School Lane" in footer
    assert f'href="{school.social_media.url}"' in footer
    assert "Our social media" in footer


def test_term_dates_page_lists_coming_dates_and_the_calendar_link(client, school):
    TermDateFactory(
        title="Christmas concert", starts_on=timezone.localdate(), details="6pm"
    )

    html = client.get("/term-dates/").content.decode()

    assert "Christmas concert" in html and "6pm" in html
    assert 'href="/feeds/term-dates.ics"' in html
