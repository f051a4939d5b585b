"""Urgent notices and closures go to every account the school runs.

A closure approved at 06:30 must reach every parent, wherever they look, within
seconds; the editor need not remember to add a post for each account. Accounts the
editor wrote a post for keep those words; every other approved account gets the
notice's title and text, shortened to fit, with the link (P2).
"""

from __future__ import annotations

from django.utils.html import strip_tags

from cms.models import NoticePage
from publishing.models import SocialAccount, SocialPost
from publishing.services.holiday_notices import fitted_text
from publishing.text import page_link


def closure_posts_fill(*, notice: NoticePage) -> list[SocialPost]:
    """Add a post for each approved account the urgent notice has none for."""
    if not notice.shows_first:
        return []
    covered = set(
        SocialPost.objects.filter(page=notice).values_list("account_id", flat=True)
    )
    words = f"{notice.title}: {strip_tags(notice.message).strip()}"
    link = page_link(notice)
    return [
        SocialPost.objects.create(
            page=notice,
            account=account,
            text=fitted_text(words, account=account, link=link),
        )
        for account in SocialAccount.objects.approved().exclude(pk__in=covered)
    ]
