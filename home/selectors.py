"""Reads for the site chrome: home page, navigation, pinned notices, contact details.

Every public page (and the search, term-dates and error pages, which are not Wagtail
pages) shows the same header, pinned-notice band and footer; these selectors feed them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest
from wagtail.models import Page, Site

from cms.caching.generation_memo import GenerationMemo
from cms.models import NoticePage, SocialMediaPage

from .models import HomePage

_chrome = GenerationMemo(size=4)  # one per site


@dataclass(frozen=True)
class SiteChrome:
    """What the header, pinned-notice band and footer of every page show."""

    school_name: str
    home: HomePage | None = None
    navigation: list[Page] = field(default_factory=list)
    pinned_notices: list[NoticePage] = field(default_factory=list)
    social_media_page: SocialMediaPage | None = None


def home_page_for_request(*, request: HttpRequest | None) -> HomePage | None:
    """The HomePage at the root of the request's site, or None if there is none yet."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    root = site.root_page.specific
    return root if isinstance(root, HomePage) else None


def navigation_pages(*, home: HomePage) -> list[Page]:
    """The home page's live, public children marked "show in menus", in tree order."""
    return list(home.get_children().live().public().in_menu().specific())


def pinned_notices(*, home: HomePage, at: datetime | None = None) -> list[NoticePage]:
    """Notices for the band on every page: urgent and closures first, then pinned."""
    return list(
        NoticePage.objects.live().public().descendant_of(home).current(at).pinned()
        .by_priority()
    )  # fmt: skip


def social_media_page(*, home: HomePage) -> SocialMediaPage | None:
    """The "Our social media" page (M4), if the school has published one."""
    return SocialMediaPage.objects.live().public().descendant_of(home).first()


def site_chrome(*, request: HttpRequest | None, default_name: str) -> SiteChrome:
    """The header, band and footer, built once per content generation, site and process.

    Every page shows them; rebuilding them took half of a page's queries. Any
    content change (a notice pinned, a page published or moved) starts a new
    generation, so the cached chrome is never older than the content.
    """
    site = Site.find_for_request(request) if request is not None else None
    return _chrome.get(
        site.pk if site else None,
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
    return SiteChrome(
        school_name=(site.site_name if site and site.site_name else default_name),
        home=home,
        navigation=navigation_pages(home=home),
        pinned_notices=pinned_notices(home=home),
        social_media_page=social_media_page(home=home),
    )
