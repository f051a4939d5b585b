"""The weekly content review (M3): pages to check, listed to their owners.

"Review all content regularly to ensure that it is relevant, up to date, and
appropriate": a live page past its "review by" date, or not published again for
``CONTENT_REVIEW_STALE_DAYS``, goes on its owner's weekly list (site administrators
get the pages nobody owns), sent by the one review engine (``cms.review_reminders``)
that also sends the statutory-information reminders.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q

from .models import SocialMediaPage, StandardPage
from .review_reminders import ReviewItem, review_reminders_send

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
    pages = pages_due_review(today=today)
    sent = review_reminders_send(
        [
            ReviewItem(
                site=page.get_site(),
                owner=page.owner,
                title=page.title,
                admin_path=f"/admin/pages/{page.pk}/edit/",
            )
            for page in pages
        ],
        subject="Website pages to review this week",
        introduction="These pages are past their review date or have not been "
        "updated for a long time. Check each is still right, then publish it again "
        "(or set a new review date), or unpublish it if it is out of date:",
    )
    return f"{len(pages)} page(s) due a review, listed to {sent} owner(s)."
