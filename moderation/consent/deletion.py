"""Nothing forgets who was pictured: some images and documents cannot be deleted.

Deleting a photo that is on a live page or was posted to social media would cut the
link between the copies out in the world and the learners in them, and deleting a
withdrawn one would forget the picture that must never come back (C1, C2). So those
deletions are refused, with what to do instead: take it off the pages (the consent
officer can withdraw it, which removes every copy). The delivery ledger keeps its own
record of the learners and fingerprint of every post (publishing), so a withdrawal
reaches the posts even so.

Checked in the admin views first (a message), and in a ``pre_delete`` receiver as the
last line for every other path (bulk delete, code): it raises ``MediaDeletionRefused``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.text import get_text_list

from .cascade import pages_using


class MediaDeletionRefused(PermissionDenied):
    """This image or document must be kept; the message says why, in plain words."""


def media_deletion_refusal(item) -> str | None:
    """Why ``item`` may not be deleted, in words for the editor; None if it may."""
    reasons = []
    if pages_using([item]).live().exists():
        reasons.append("it is used on a live page")
    if item.first_posted_at is not None:
        reasons.append("it has been posted to social media")
    if item.is_withdrawn:
        reasons.append(
            "it was withdrawn, and is kept so that it cannot be uploaded again"
        )
    if not reasons:
        return None
    return (
        f"“{item.title}” cannot be deleted because {get_text_list(reasons, 'and')}. "
        f"Remove it from the pages that use it instead, or ask the consent officer to "
        f"withdraw it, which takes every copy down."
    )


def refuse_deleting_kept_media(sender, instance, **kwargs) -> None:
    """``pre_delete`` receiver for the image and document models."""
    refusal = media_deletion_refusal(instance)
    if refusal:
        raise MediaDeletionRefused(refusal)
