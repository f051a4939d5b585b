"""Who hears about an alert: the school's families who chose its category.

For news, a family who picked some of the school's news categories hears only about
posts in one of them; a family who picked none hears about all the school's news.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Exists, OuterRef, QuerySet
from wagtail.models import Site

from cms.models import NewsCategory, NewsPage

from .models import Category, Subscription

NewsCategories = Subscription.news_categories.through


def subscriptions_wanting(
    *, site: Site, category: str, news_category_ids: Collection[int] = ()
) -> QuerySet[Subscription]:
    """The receiving families' choices of ``category`` at ``site``.

    Args:
        news_category_ids: for news, the categories of the post announced.
    """
    wanted = Subscription.objects.filter(
        category=category,
        subscriber__site=site,
        subscriber__confirmed_at__isnull=False,
        subscriber__unsubscribed_at__isnull=True,
        subscriber__suppressed_at__isnull=True,
    )
    if category != Category.NEWS:
        return wanted
    picked = NewsCategories.objects.filter(subscription_id=OuterRef("pk"))
    return wanted.filter(
        ~Exists(picked)
        | Exists(picked.filter(newscategory_id__in=list(news_category_ids)))
    )


def news_category_ids(page) -> list[int]:
    """The news categories of a news post (its live or reviewed revision)."""
    categories = getattr(page, "categories", None)
    if categories is None:
        return []
    return [category.pk for category in categories.all()]


def school_news_categories(site: Site) -> QuerySet[NewsCategory]:
    """The news categories the school uses: those of its news posts on its website."""
    used = NewsPage.objects.live().in_site(site).values("categories")
    return NewsCategory.objects.filter(pk__in=used)
