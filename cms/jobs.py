"""rq jobs for content: thin wrappers that call a service."""

from cms.media_removals import removal_attempt
from cms.preparation.services import prepared_medium_make
from cms.public_media import public_media_reconcile


def public_media_check() -> int:
    """Remove public copies no live, public page or consent still allows (issue 9)."""
    return public_media_reconcile()


def prepare_public_copies(*, medium_id: int, attempt: int) -> None:
    """Make one photo's or document's public copies for an approved page."""
    prepared_medium_make(medium_id=medium_id, attempt=attempt)


def media_removal_attempt(*, removal_id: int) -> bool:
    """Try a kept CDN purge or public-copy deletion again (cms.media_removals)."""
    return removal_attempt(removal_id=removal_id)
