"""What will be posted to each social account with a page, for the review screen.

The publishing app gives every page a ``social_posts`` relation (``SocialPost``),
carried in the page's revisions, one post per chosen account. Some posts are added
by approval itself: an urgent notice or closure goes to every account the editor
wrote none for. Publishing reports those through the ``ADDED_ON_APPROVAL_HOOK``
Wagtail hook, so the approver sees them too. Moderation never imports publishing,
so this reads the relation by name and asks each post for its text and images as
they will be sent (the same methods the sender uses); without the publishing app
installed a page has no social posts and the review screen shows the page only.
"""

from dataclasses import dataclass

from wagtail import hooks

#: Hook ``fn(page=...)`` returning the posts approving ``page`` adds, unsaved.
ADDED_ON_APPROVAL_HOOK = "social_posts_added_on_approval"


@dataclass(frozen=True)
class SocialPostPreview:
    """One post as it will go out: account, exact text, images in order (P2, C4).

    ``network`` ("x", "facebook") and ``handle`` let the review screen draw the post
    the way that network shows it. ``added_on_approval``: nobody wrote this post;
    approving the page adds it (an urgent notice goes to every account).
    """

    account: str
    closed: bool
    text: str
    images: tuple = ()
    network: str = ""
    handle: str = ""
    include_image: bool = False
    added_on_approval: bool = False
    notes: tuple[str, ...] = ()


def social_posts_for_review(page) -> list[SocialPostPreview]:
    """Every post that approving this revision of ``page`` sends, per account."""
    posts = getattr(page, "social_posts", None)
    if posts is None:
        return []
    written = list(posts.all())
    added = [
        post
        for hook in hooks.get_hooks(ADDED_ON_APPROVAL_HOOK)
        for post in hook(page=page)
    ]
    return [_preview(post, page=page, added=False) for post in written] + [
        _preview(post, page=page, added=True) for post in added
    ]


def _preview(post, *, page, added: bool) -> SocialPostPreview:
    return SocialPostPreview(
        account=str(post.account),
        closed=post.account.is_closed,
        text=post.text_as_posted(page=page),
        images=tuple(post.images_as_posted(page=page)),
        network=getattr(post.account, "network", ""),
        handle=getattr(post.account, "handle", ""),
        include_image=bool(getattr(post, "include_image", False)),
        added_on_approval=added,
        notes=tuple(getattr(post, "review_notes", lambda **_: [])(page=page)),
    )
