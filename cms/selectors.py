"""Reads for the public website, the feeds and the API: what a parent may see now."""

from __future__ import annotations

import datetime

from django.db.models import Min, Q
from django.utils import timezone
from wagtail.models import Page, Site

from .caching.view_restrictions import public_only
from .models import NewsPage, NoticePage, TermDate


def news_for_listing(*, within: Page | None = None, with_categories: bool = False):
    """Live, public news, newest first, with the listing image (its public copies).

    Categories only where they are shown (the feed, the API): each is a query.
    """
    news = public_only(NewsPage.objects.live())
    if within is not None:
        news = news.descendant_of(within)
    news = news.select_related("listing_image")
    if with_categories:
        news = news.prefetch_related("categories")
    return news.order_by(*NewsPage._meta.ordering)


def notices_in_force(
    *, within: Page | None = None, at: datetime.datetime | None = None
):
    """Live, public notices in force at ``at``: urgent, closures, pinned, the rest."""
    notices = public_only(NoticePage.objects.live()).current(at)
    if within is not None:
        notices = notices.descendant_of(within)
    return notices.by_priority()


def term_dates_from(*, site: Site, day: datetime.date | None = None):
    """``site``'s term dates not finished by ``day`` (default today), soonest first."""
    day = day or timezone.localdate()
    return TermDate.objects.filter(
        Q(ends_on__gte=day) | Q(ends_on__isnull=True, starts_on__gte=day), site=site
    ).order_by("starts_on", "title")


def term_dates_for_calendar(*, site: Site, day: datetime.date | None = None):
    """``site``'s term dates for the iCal feed: this year's past dates too."""
    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=365)
    return TermDate.objects.filter(
        Q(ends_on__gte=since) | Q(ends_on__isnull=True, starts_on__gte=since),
        site=site,
    ).order_by("starts_on", "title")


def next_scheduled_content_change(
    *, after: datetime.datetime
) -> datetime.datetime | None:
    """When the public pages next change with no one publishing anything.

    A notice comes into or goes out of force at its own times, and "coming up" term
    dates and "this notice is not in force" read the date: cached pages built before
    such a moment must not be served after it (``caching.generation``).
    """
    local = timezone.localtime(after)
    midnight = timezone.make_aware(
        datetime.datetime.combine(
            local.date() + datetime.timedelta(days=1), datetime.time.min
        )
    )
    notices = NoticePage.objects.live()
    bounds = notices.filter(valid_from__gt=after).aggregate(at=Min("valid_from"))
    ends = notices.filter(valid_until__gt=after).aggregate(at=Min("valid_until"))
    return min(
        moment for moment in (midnight, bounds["at"], ends["at"]) if moment is not None
    )
