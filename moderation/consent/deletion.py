"""A withdrawn picture is kept, so that it cannot come back (C1, C2).

Deleting a photo that was posted or is on a live page first takes every copy down:
publishing's ``pre_delete`` receiver retracts the posts, and the delivery ledger keeps
its own record of who each post pictured and the picture's fingerprint, so nothing is
forgotten. A *withdrawn* item is different: its fingerprints are how a copy uploaded
later is recognised (``duplicates.py``), so deleting it is refused, with what to do.

Checked in the admin views first (a message), and in a ``pre_delete`` receiver as the
last line for every other path (bulk delete, code): it raises ``MediaDeletionRefused``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class MediaDeletionRefused(PermissionDenied):
    """This image or document must be kept; the message says why, in plain words."""


def media_deletion_refusal(item) -> str | None:
    """Why ``item`` may not be deleted, in words for the editor; None if it may."""
    if not item.is_withdrawn:
        return None
    return (
        f"“{item.title}” cannot be deleted because it was withdrawn when consent "
        "ended for someone in it. It is kept, hidden from everyone, so that the same "
        "picture cannot be uploaded and published again."
    )


def refuse_deleting_kept_media(sender, instance, **kwargs) -> None:
    """``pre_delete`` receiver for the image and document models."""
    refusal = media_deletion_refusal(instance)
    if refusal:
        raise MediaDeletionRefused(refusal)
