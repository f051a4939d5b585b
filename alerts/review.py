"""The review screen's "email updates" section: the alert, how many families get the
email and how many devices the notification.

Registered on moderation's ``review_screen_sections`` hook (moderation never imports
alerts). Shows the alert as it will be sent and how many families of this page's
school get it straight away or in a summary; never an address.
"""

from __future__ import annotations

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .audience import news_category_ids, subscriptions_wanting
from .models import AlertSettings, Frequency
from .outbox import alert_category, alert_summary
from .push_devices import push_devices_for
from .push_keys import push_enabled


def review_section(*, page) -> SafeString | str:
    """The section for ``page`` (a revision's page object); empty for other pages."""
    page = page.specific if hasattr(page, "specific") else page
    category = alert_category(page)
    site = page.get_site()
    if category is None or site is None:
        return ""
    counts = dict(
        subscriptions_wanting(
            site=site, category=category, news_category_ids=news_category_ids(page)
        )
        .values_list("frequency")
        .annotate(families=Count("pk"))
    )
    return render_to_string(
        "alerts/review_section.html",
        {
            "title": page.title,
            "summary": alert_summary(page),
            "now": counts.get(Frequency.IMMEDIATE, 0),
            "daily": counts.get(Frequency.DAILY, 0),
            "weekly": counts.get(Frequency.WEEKLY, 0),
            "photos_in_emails": AlertSettings.for_site(site).photos_in_emails,
            "push_enabled": push_enabled(),
            "devices": push_devices_for(site=site, category=category).count()
            if push_enabled()
            else 0,
        },
    )
