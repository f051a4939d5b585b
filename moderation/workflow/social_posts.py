"""What will be posted to each social account with a page, for the review screen.

The publishing side (branch ``ledger``) gives every page a ``social_posts`` relation,
carried in the page's revisions, one post per account. Moderation never imports
publishing, so this reads that relation by name and returns plain data. Until the
relation exists a page has no social posts and the review screen shows the page only.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SocialPostPreview:
    """One post as it will go out: account, text, image and link back (P2)."""

    account: str
    text: str
    link: str
    image: object | None


def social_posts_for_review(page) -> list[SocialPostPreview]:
    """The posts that approving this revision of ``page`` approves, per account."""
    posts = getattr(page, "social_posts", None)
    if posts is None:
        return []
    listing_image = getattr(page, "listing_image", None)
    return [
        SocialPostPreview(
            account=str(post.account),
            text=post.text,
            link=page.full_url or "",
            image=listing_image if getattr(post, "include_image", False) else None,
        )
        for post in posts.all()
    ]
