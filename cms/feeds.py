"""Feeds for parents who use a feed reader or a calendar app (P3: nobody left out)."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .feed_negotiation import feed_page_wanted
from .ical import term_dates_calendar
from .languages import active_language, current_school, language_plan
from .models import NewsPage
from .selectors import news_for_listing, term_dates_for_calendar

NEWS_FEED_ITEMS = 20


def _school_name(request: HttpRequest) -> str:
    """The school's name in the language of the feed (``/cy/feeds/...`` is Welsh)."""
    site = current_school(request)
    english = (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME
    return language_plan(site, request=request).school_name(
        active_language(), default=english
    )


class NewsFeed(Feed):
    """RSS 2.0 feed of the latest live, public news; a readable page for browsers.

    A browser (which prefers HTML, ``feed_page_wanted``) gets a page of the website
    saying what a news feed is and how to follow it, with the same stories and
    their dates as people write them; feed readers get the RSS.
    """

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if feed_page_wanted(request):
            response = self.page(request)
        else:
            response = super().__call__(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def page(self, request: HttpRequest) -> HttpResponse:
        """The feed as a page of the website, for a parent who opened the link."""
        return TemplateResponse(
            request,
            "cms/news_feed.html",
            {
                "school_name": _school_name(request),
                "feed_url": request.build_absolute_uri(),
                "stories": list(self.items(request)),
            },
        ).render()

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        # The "object" is the request: the feed's title and links follow the site.
        return request

    def title(self, request: HttpRequest) -> str:
        return _("%(school)s: news") % {"school": _school_name(request)}

    def link(self, request: HttpRequest) -> str:
        return "/"

    def description(self, request: HttpRequest) -> str:
        return _("The latest news from %(school)s.") % {"school": _school_name(request)}

    def items(self, request: HttpRequest):
        site = current_school(request)
        if site is None:
            return NewsPage.objects.none()
        news = news_for_listing(within=site.root_page.localized, with_categories=True)
        return news.filter(locale__language_code=active_language())[:NEWS_FEED_ITEMS]

    def item_title(self, item: NewsPage) -> str:
        return item.title

    def item_description(self, item: NewsPage) -> str:
        return item.summary

    def item_link(self, item: NewsPage) -> str:
        # Relative on a one-site install; Django adds the request's scheme and host.
        return item.url

    def item_pubdate(self, item: NewsPage) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(item.date, datetime.time(8, 0))
        )

    def item_updateddate(self, item: NewsPage) -> datetime.datetime | None:
        return item.last_published_at

    def item_categories(self, item: NewsPage) -> list[str]:
        return [category.name for category in item.categories.all()]


@require_GET
def term_dates_ical(request: HttpRequest) -> HttpResponse:
    """The term dates as an iCalendar feed a parent can subscribe to."""
    name = _school_name(request)
    site = current_school(request)
    if site is None:
        raise Http404
    body = term_dates_calendar(
        term_dates_for_calendar(site=site),
        calendar_name=_("%(school)s: term dates") % {"school": name},
        # The configured address, not the request's Host: a parent subscribed via
        # www.school.example and school.example must see the same events, not twice.
        uid_domain=urlsplit(settings.SITE_URL).hostname or "school.invalid",
        generated_at=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="term-dates.ics"'
    return response
