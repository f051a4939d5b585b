"""Look-alikes of withdrawn pictures: the consent officer decides, not the code (C1).

A perceptual hash cannot be sure of a heavily cropped, filtered or re-photographed
copy. An upload whose hash is a little further from a withdrawn picture's than "the
same picture" is recorded as a look-alike (``duplicates.py``) and listed for the
consent officer on the consent register's "Look-alike pictures" screen. They answer:

- **the same picture**: the upload becomes a recognised copy, inherits the learners
  and the withdrawal (its public copies go, its social posts are deleted);
- **a different picture**: the question is closed; it may be published.

Until they answer, the upload cannot be published (``rules.py``): holding back a
picture that may be a withdrawn one is the safe side of not being sure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.log_actions import log

from moderation.models import MediaMatch
from moderation.signals import consent_withdrawn

from .audit import MATCHED
from .clearance import media_clearance_refresh
from .duplicates import media_copy_inherit


@dataclass(frozen=True)
class Lookalike:
    """A question for the consent officer: is ``item`` the withdrawn ``original``?"""

    match: MediaMatch
    item: object
    original: object | None


def lookalikes_pending() -> list[Lookalike]:
    """Every look-alike not yet answered, oldest first, with both pictures."""
    matches = list(
        MediaMatch.objects.filter(
            how=MediaMatch.How.LOOKS_LIKE, reviewed_at__isnull=True
        ).select_related("content_type")
    )
    wanted: dict[int, set[int]] = {}
    for match in matches:
        wanted.setdefault(match.content_type_id, set()).add(match.item_id)
        wanted.setdefault(match.matched_content_type_id, set()).add(match.matched_id)
    loaded = {
        (content_type_id, item.pk): item
        for content_type_id, ids in wanted.items()
        for item in ContentType.objects.get_for_id(content_type_id)
        .model_class()
        .objects.filter(pk__in=ids)
    }
    return [
        Lookalike(
            match=match,
            item=loaded[(match.content_type_id, match.item_id)],
            original=loaded.get((match.matched_content_type_id, match.matched_id)),
        )
        for match in matches
        if (match.content_type_id, match.item_id) in loaded
    ]


def lookalike_confirm(*, match: MediaMatch, user) -> None:
    """The consent officer says it is the same picture: treat it as a copy (C1).

    The upload gets the original's learners and withdrawal; if it was already used
    on a live page or posted, ``consent_withdrawn`` takes it off social media too.
    """
    item = match.content_type.get_object_for_this_type(pk=match.item_id)
    with transaction.atomic():
        _close(match, user=user, how=MediaMatch.How.SAME_PICTURE)
        was_withdrawn = item.is_withdrawn
        media_copy_inherit(
            item=item,
            originals={
                (match.matched_content_type_id, match.matched_id): match.how,
            },
            user=user,
        )
        log(
            instance=item,
            action=MATCHED,
            user=user,
            data={"matched": match.description},
        )
        if item.is_withdrawn and not was_withdrawn:
            is_image = isinstance(item, get_image_model())
            consent_withdrawn.send(
                sender=type(item),
                image_ids=[item.pk] if is_image else [],
                document_ids=[] if is_image else [item.pk],
                learner_id=None,
                reason=f"the consent officer found it is a copy of "
                f"“{match.matched_title}”, which was withdrawn",
            )


def lookalike_dismiss(*, match: MediaMatch, user) -> None:
    """The consent officer says it is a different picture: it may be published."""
    item = match.content_type.get_object_for_this_type(pk=match.item_id)
    with transaction.atomic():
        _close(match, user=user, how=MediaMatch.How.LOOKS_LIKE)
        media_clearance_refresh(item=item)


def _close(match: MediaMatch, *, user, how: str) -> None:
    match.how = how
    match.reviewed_at = timezone.now()
    match.reviewed_by = user
    match.save(update_fields=["how", "reviewed_at", "reviewed_by"])
