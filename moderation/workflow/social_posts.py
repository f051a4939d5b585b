"""What will be posted to each social account with a page, for the review screen.

The publishing app gives every page a ``social_posts`` relation (``SocialPost``),
carried in the page's revisions, one post per chosen account. Moderation never imports
publishing, so this reads that relation by name and returns plain data; without the
publishing app installed a page has no social posts and the review screen shows the
page only.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SocialPostPreview:
    """One post as it will go out: account, exact text, image (P2, C4)."""

    account: str
    closed: bool
    text: str
    image: object | None


def text_as_posted(text: str, link: str) -> str:
    """The editor's words with the link back to the website added if missing (P2).

    The same rule as the publishing side's ``post_text_with_link``, which sends it.
    """
    text = text.strip()
    if link in text:
        return text
    return f"{text}\n\n{link}" if text else link


def social_posts_for_review(page) -> list[SocialPostPreview]:
    """The posts that approving this revision of ``page`` approves, per account."""
    posts = getattr(page, "social_posts", None)
    if posts is None:
        return []
    link = page.full_url or page.url_path
    listing_image = getattr(page, "listing_image", None)
    return [
        SocialPostPreview(
            account=str(post.account),
            closed=post.account.is_closed,
            text=text_as_posted(post.text, link),
            image=listing_image if post.include_image else None,
        )
        for post in posts.all()
    ]
