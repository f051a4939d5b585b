"""rq jobs for content: thin wrappers that call a service."""

from cms.public_media import public_media_reconcile


def public_media_check() -> int:
    """Remove public copies no live, public page or consent still allows (issue 9)."""
    return public_media_reconcile()
