"""Urgent notices and closures go to every account the school runs.

A closure approved at 06:30 must reach every parent, wherever they look, within
seconds; the editor need not remember to add a post for each account. Accounts the
editor wrote a post for keep those words; every other approved account gets the
notice's title and text, shortened to fit, with the link (P2); on Instagram, where
every post is a picture, with the notice's card (``publishing.notice_cards``).

A trust's notice (``TrustNoticePage``) goes the same way to every approved account
of each school it was chosen for: one post, so one delivery, per school account,
each linking to the notice on that school's own website.

The review screen shows the same posts before approval (``closure_posts_planned``,
through the ``social_posts_added_on_approval`` hook), so the approver sees every
post that approving sends.
"""

from __future__ import annotations

from django.utils.html import strip_tags

from cms.models import NoticePage
from publishing import selectors
from publishing.models import SocialPost
from publishing.services.holiday_notices import fitted_text
from publishing.text import page_link


def closure_accounts(*, notice: NoticePage):
    """The approved accounts an urgent notice or closure goes to: its school's, or
    for a trust's notice those of every school it was chosen for."""
    schools = getattr(notice, "schools", None)
    sites = list(schools.all()) if schools is not None else [notice.get_site()]
    return selectors.accounts_for_notices(sites=sites)


def closure_posts_planned(*, notice: NoticePage) -> list[SocialPost]:
    """The posts approving ``notice`` adds, unsaved: one per account it lacks.

    Reads the notice as given (a revision under review, or the page being
    published), so the review screen and publishing agree on every word.
    """
    if not notice.shows_first:
        return []
    covered = {post.account_id for post in notice.social_posts.all()}
    words = f"{notice.title}: {strip_tags(notice.message).strip()}"
    return [
        SocialPost(
            page=notice,
            account=account,
            text=fitted_text(
                words, account=account, link=page_link(notice, account=account)
            ),
        )
        for account in closure_accounts(notice=notice)
        if account.pk not in covered
    ]


def closure_posts_fill(*, notice: NoticePage) -> list[SocialPost]:
    """Add a post for each approved account the urgent notice has none for."""
    posts = closure_posts_planned(notice=notice)
    SocialPost.objects.bulk_create(posts)
    return posts
