"""Reads for the site chrome: home page, navigation, pinned notices, contact details.

Every public page (and the search, term-dates and error pages, which are not Wagtail
pages) shows the same header, pinned-notice band and footer; these selectors feed them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from wagtail.models import Page, Site

from cms.caching.generation_memo import GenerationMemo
from cms.languages import ENGLISH, active_language, language_plan
from cms.models import (
    NewsIndexPage,
    NewsPage,
    NoticeIndexPage,
    NoticePage,
    SocialMediaPage,
    StatutoryInformationPage,
    TermDate,
)
from cms.selectors import news_for_listing, notices_in_force, term_dates_from

from .models import HomePage

LATEST_NEWS_COUNT = 6
UPCOMING_DATES_COUNT = 6

_chrome = GenerationMemo(size=8)  # one per site and language
_home_listings = GenerationMemo(size=8)  # one per home page (site, language)


@dataclass(frozen=True)
class SiteChrome:
    """What the header, pinned-notice band and footer of every page show."""

    school_name: str
    home: HomePage | None = None
    navigation: list[Page] = field(default_factory=list)
    pinned_notices: list[NoticePage] = field(default_factory=list)
    social_media_page: SocialMediaPage | None = None
    statutory_page: StatutoryInformationPage | None = None


def home_page_for_request(*, request: HttpRequest | None) -> HomePage | None:
    """The HomePage at the root of the request's site, or None if there is none yet.

    On a Welsh address, the Welsh home page (the English one's live translation).
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    root = site.root_page
    if active_language() != ENGLISH:
        root = (
            root.get_translations()
            .filter(locale__language_code=active_language())
            .live()
            .first()
        ) or root
    root = root.specific
    return root if isinstance(root, HomePage) else None


def navigation_pages(*, home: HomePage) -> list[Page]:
    """The home page's live, public children marked "show in menus", in tree order."""
    return list(home.get_children().live().public().in_menu().specific())


def pinned_notices(
    *, home: HomePage, site: Site | None = None, at: datetime | None = None
) -> list[NoticePage]:
    """Notices for the band on every page: the trust's notices for this school
    first, then the school's urgent notices and closures, then pinned ones."""
    notices = NoticePage.objects.live().public().current(at).pinned()
    if site is None:
        notices = notices.descendant_of(home)
    else:
        notices = notices.shown_on(site)
    return list(notices.by_priority())


def social_media_page(*, home: HomePage) -> SocialMediaPage | None:
    """The "Our social media" page (M4), if the school has published one."""
    return SocialMediaPage.objects.live().public().descendant_of(home).first()


def statutory_page(*, home: HomePage) -> StatutoryInformationPage | None:
    """The school's "Statutory information" page, if it has published one."""
    return StatutoryInformationPage.objects.live().public().child_of(home).first()


def site_chrome(*, request: HttpRequest | None, default_name: str) -> SiteChrome:
    """The header, band and footer, built once per content generation, site and process.

    Every page shows them; rebuilding them took half of a page's queries. Any
    content change (a notice pinned, a page published or moved) starts a new
    generation, so the cached chrome is never older than the content.
    """
    site = Site.find_for_request(request) if request is not None else None
    return _chrome.get(
        (site.pk if site else None, active_language()),
        lambda: site_chrome_uncached(request=request, default_name=default_name),
        request=request,
    )


def site_chrome_uncached(
    *, request: HttpRequest | None, default_name: str
) -> SiteChrome:
    """Everything the header, pinned-notice band and footer need, in one place."""
    home = home_page_for_request(request=request)
    if home is None:
        return SiteChrome(school_name=default_name)
    site = home.get_site()
    english_name = site.site_name if site and site.site_name else default_name
    plan = language_plan(site, request=request)
    return SiteChrome(
        school_name=plan.school_name(active_language(), default=english_name),
        home=home,
        navigation=navigation_pages(home=home),
        pinned_notices=pinned_notices(home=home, site=site),
        social_media_page=social_media_page(home=home),
        statutory_page=statutory_page(home=home),
    )


@dataclass(frozen=True)
class HomeListings:
    """What the home page lists besides the chrome: news, notices, dates, sections."""

    latest_news: list[NewsPage]
    current_notices: list[NoticePage]
    upcoming_dates: list[TermDate]
    news_index: Page | None
    notice_index: Page | None


def home_listings(*, home: HomePage, request: HttpRequest | None) -> HomeListings:
    """The home page's lists, read once per content generation, home page and process.

    A content change (a story approved, a notice pinned, a term date added) starts a
    new generation, and so do the moments no one publishes: a notice coming into or
    going out of force, and midnight for "coming up". Between them these reads are
    the same for every reader, and they were most of a home page's render (building
    five page querysets costs more than running them).
    """
    return _home_listings.get(
        home.pk, lambda: home_listings_uncached(home=home), request=request
    )


def home_listings_uncached(*, home: HomePage) -> HomeListings:
    """The home page's lists, read now."""
    # Both section links in one query; a plain Page is enough for {% pageurl %}.
    sections = {
        page.content_type_id: page
        for page in reversed(
            home.get_children().live().type(NewsIndexPage, NoticeIndexPage)
        )
    }
    content_type = ContentType.objects.get_for_model
    return HomeListings(
        latest_news=list(news_for_listing(within=home)[:LATEST_NEWS_COUNT]),
        # Pinned notices are in the band at the top of every page; list the others.
        current_notices=list(notices_in_force(within=home).filter(pinned=False)),
        upcoming_dates=list(
            term_dates_from(site=home.get_site())[:UPCOMING_DATES_COUNT]
        ),
        news_index=sections.get(content_type(NewsIndexPage).pk),
        notice_index=sections.get(content_type(NoticeIndexPage).pk),
    )
