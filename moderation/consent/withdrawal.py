"""What "Withdraw everything" will remove, shown before the officer confirms it.

Withdrawing every use for a learner takes their photos and documents off the
website and API and deletes the social posts that carried them (C1). It cannot be
undone by pressing a button again (deleted posts stay deleted), so the officer first
sees exactly what goes: the photos and documents, the pages they leave, and the
social posts that will be deleted. The lists come from the same queries the
withdrawal itself uses (``cascade.consent_cascade``, publishing's retraction).

Moderation never imports publishing: publishing reports the social posts through
the ``POSTS_TO_REMOVE_HOOK`` Wagtail hook.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from moderation.models import Learner

from .cascade import pages_using

#: Hook ``fn(learner=..., image_ids=[...])`` returning ``PostToRemove`` items.
POSTS_TO_REMOVE_HOOK = "social_posts_removed_with_consent"


@dataclass(frozen=True)
class PostToRemove:
    """A social post that withdrawing consent deletes (or stops before it goes)."""

    account: str
    page_title: str
    url: str = ""
    sent: bool = True
    #: Why it is not gone yet, where a person must delete it by hand, or "".
    note: str = ""


@dataclass(frozen=True)
class WithdrawalPreview:
    """Everything one learner's full withdrawal removes."""

    photos: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    posts: list[PostToRemove] = field(default_factory=list)

    @property
    def removes_nothing(self) -> bool:
        return not (self.photos or self.documents or self.pages or self.posts)


def withdrawal_preview(*, learner: Learner) -> WithdrawalPreview:
    """What ``consent_withdraw_all`` for ``learner`` would take down, now."""
    images = get_image_model().objects.filter(learners=learner)
    documents = get_document_model().objects.filter(learners=learner)
    image_ids = list(images.values_list("pk", flat=True))
    posts = [
        post
        for hook in hooks.get_hooks(POSTS_TO_REMOVE_HOOK)
        for post in hook(learner=learner, image_ids=image_ids)
    ]
    return WithdrawalPreview(
        photos=list(images.filter(consent_withdrawn_at__isnull=True).order_by("title")),
        documents=list(
            documents.filter(consent_withdrawn_at__isnull=True).order_by("title")
        ),
        pages=list(pages_using([*images, *documents, learner]).order_by("title")),
        posts=posts,
    )
