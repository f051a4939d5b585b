"""The weekly content review (M3): pages to check, listed to their owners.

"Review all content regularly to ensure that it is relevant, up to date, and
appropriate": a live page past its "review by" date, or not published again for
``CONTENT_REVIEW_STALE_DAYS``, goes on its owner's weekly list (site administrators
get the pages nobody owns).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from .models import SocialMediaPage, StandardPage

REVIEWED_TYPES = (StandardPage, SocialMediaPage)


def pages_due_review(*, today: datetime.date) -> list:
    """Live pages past their review date or not updated for the configured period."""
    stale_before = today - datetime.timedelta(days=settings.CONTENT_REVIEW_STALE_DAYS)
    due = []
    for model in REVIEWED_TYPES:
        due += list(
            model.objects.live()
            .filter(
                Q(review_by__lte=today) | Q(last_published_at__date__lt=stale_before)
            )
            .select_related("owner")
            .order_by("title")
        )
    return due


def content_review_remind(*, today: datetime.date) -> str:
    """Email each owner the pages of theirs due a review; say how many went."""
    by_owner: dict = defaultdict(list)
    for page in pages_due_review(today=today):
        owner = page.owner if page.owner and page.owner.is_active else None
        by_owner[owner].append(page)
    admins = [
        user.email
        for user in get_user_model().objects.filter(is_superuser=True, is_active=True)
        if user.email
    ]
    sent = 0
    for owner, pages in by_owner.items():
        recipients = [owner.email] if owner and owner.email else admins
        if not recipients:
            continue
        lines = "\n".join(
            f"- {page.title}: {settings.SITE_URL}/admin/pages/{page.pk}/edit/"
            for page in pages
        )
        send_mail(
            "Website pages to review this week",
            "These pages are past their review date or have not been updated for a "
            "long time. Check each is still right, then publish it again (or set a "
            f"new review date), or unpublish it if it is out of date:\n\n{lines}\n",
            None,
            recipients,
        )
        sent += 1
    total = sum(len(pages) for pages in by_owner.values())
    return f"{total} page(s) due a review, listed to {sent} owner(s)."
