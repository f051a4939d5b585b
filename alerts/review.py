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

from .models import Frequency, Subscription
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
        Subscription.objects.filter(
            category=category,
            subscriber__site=site,
            subscriber__confirmed_at__isnull=False,
            subscriber__unsubscribed_at__isnull=True,
            subscriber__suppressed_at__isnull=True,
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
            "push_enabled": push_enabled(),
            "devices": push_devices_for(site=site, category=category).count()
            if push_enabled()
            else 0,
        },
    )
