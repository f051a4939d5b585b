"""What will be posted to each social account with a page, for the review screen.

The publishing app gives every page a ``social_posts`` relation (``SocialPost``),
carried in the page's revisions, one post per chosen account. Moderation never imports
publishing, so this reads that relation by name and asks each post for its text and
image as they will be sent (the same methods the sender uses); without the
publishing app installed a page has no social posts and the review screen shows the
page only.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SocialPostPreview:
    """One post as it will go out: account, exact text, image (P2, C4).

    ``network`` ("x", "facebook") and ``handle`` let the review screen draw the post
    the way that network shows it.
    """

    account: str
    closed: bool
    text: str
    image: object | None
    network: str = ""
    handle: str = ""
    include_image: bool = False


def social_posts_for_review(page) -> list[SocialPostPreview]:
    """The posts that approving this revision of ``page`` approves, per account."""
    posts = getattr(page, "social_posts", None)
    if posts is None:
        return []
    return [
        SocialPostPreview(
            account=str(post.account),
            closed=post.account.is_closed,
            text=post.text_as_posted(page=page),
            image=post.image_as_posted(page=page),
            network=getattr(post.account, "network", ""),
            handle=getattr(post.account, "handle", ""),
            include_image=bool(getattr(post, "include_image", False)),
        )
        for post in posts.all()
    ]
