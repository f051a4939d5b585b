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

from django.utils.translation import gettext as _
from wagtail import hooks

from cms.languages import LANGUAGE_NAMES

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


def posts_missing_a_language(page, partners) -> list[str]:
    """What a bilingual pair's social posts lack: a post in one language only.

    Each account a post goes to needs the post in every language going live (the
    translation's post for the same account, in its own words), or the post would
    go out in one language alone (issue 27). Returns one sentence per gap.
    """
    pages = [page, *(partner.get_latest_revision_as_object() for partner in partners)]
    written = {
        version.pk: {
            post.account_id: post
            for post in getattr(version, "social_posts", None).all()
        }
        for version in pages
        if getattr(version, "social_posts", None) is not None
    }
    problems = []
    for version in pages:
        for account_id, post in written.get(version.pk, {}).items():
            for other in pages:
                if other is version:
                    continue
                twin = written.get(other.pk, {}).get(account_id)
                if twin is None or twin.text.strip() == post.text.strip():
                    problems.append(
                        _(
                            "The %(language)s version has no post of its own for "
                            "%(account)s, so the post would go out in one language "
                            "only. Write it on the %(language)s version."
                        )
                        % {
                            "language": LANGUAGE_NAMES.get(
                                other.locale.language_code, other.locale.language_code
                            ),
                            "account": post.account,
                        }
                    )
    return list(dict.fromkeys(problems))


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
