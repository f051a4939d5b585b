"""Dashboard panel: what was published this week and where it went.

For each page that went live in the last seven days: the website link, then every
social account it was sent to, with the link to the post or the reason it failed,
so a failure is seen on the day, not when a parent asks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from publishing.models import Delivery


@dataclass
class PublishedPage:
    title: str
    url: str
    published_at: datetime.datetime
    deliveries: list[Delivery] = field(default_factory=list)


def published_since(*, since: datetime.datetime, limit: int = 20) -> list:
    """Pages published since ``since``, newest first, each with its deliveries."""
    pages = list(
        Page.objects.live()
        .filter(last_published_at__gte=since)
        .order_by("-last_published_at")[:limit]
    )
    deliveries: dict[int, list[Delivery]] = {}
    for delivery in (
        Delivery.objects.filter(page_id__in=[page.pk for page in pages])
        .select_related("account")
        .order_by("account__name")
    ):
        deliveries.setdefault(delivery.page_id, []).append(delivery)
    return [
        PublishedPage(
            title=page.title,
            url=page.full_url or "",
            published_at=page.last_published_at,
            deliveries=deliveries.get(page.pk, []),
        )
        for page in pages
    ]


class PublishedThisWeekPanel(Component):
    name = "published_this_week"
    order = 30
    template_name = "publishing/published_this_week_panel.html"

    def get_context_data(self, parent_context=None):
        since = timezone.now() - datetime.timedelta(days=7)
        return {
            "published": published_since(since=since),
            "failed": Delivery.Status.FAILED,
            "sent": Delivery.Status.SENT,
        }
