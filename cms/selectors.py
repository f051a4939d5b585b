"""Reads for the public website, the feeds and the API: what a parent may see now."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from .models import NewsPage, NoticePage, TermDate


def news_for_listing(*, within: Page | None = None):
    """Live, public news, newest first, with the listing image and categories loaded."""
    news = NewsPage.objects.live().public()
    if within is not None:
        news = news.descendant_of(within)
    return (
        news.select_related("listing_image")
        .prefetch_related("categories")
        .order_by("-date", "-first_published_at", "-pk")
    )


def notices_in_force(
    *, within: Page | None = None, at: datetime.datetime | None = None
):
    """Live, public notices in force at ``at``: urgent, closures, pinned, the rest."""
    notices = NoticePage.objects.live().public().current(at)
    if within is not None:
        notices = notices.descendant_of(within)
    return notices.by_priority()


def term_dates_from(*, day: datetime.date | None = None):
    """Term dates that have not finished by ``day`` (default today), soonest first."""
    day = day or timezone.localdate()
    return TermDate.objects.filter(
        Q(ends_on__gte=day) | Q(ends_on__isnull=True, starts_on__gte=day)
    ).order_by("starts_on", "title")


def term_dates_for_calendar(*, day: datetime.date | None = None):
    """Term dates for the iCal feed: this school year's past dates too, for context."""
    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=365)
    return TermDate.objects.filter(
        Q(ends_on__gte=since) | Q(ends_on__isnull=True, starts_on__gte=since)
    ).order_by("starts_on", "title")
