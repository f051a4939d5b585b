"""System checks: the settings keep the promise that a withdrawal shows within 5 s."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

#: The school is promised no cache keeps a withdrawn photo or page longer than this.
WITHDRAWAL_VISIBLE_WITHIN_SECONDS = 5


@register(Tags.caches, deploy=True)
def shared_cache_lifetime_check(app_configs=None, **kwargs) -> list[Error]:
    """``manage.py check --deploy``: a shared cache's worst case stays under 5 s.

    A shared cache keeps a page ``s-maxage`` and serves it as long again while it
    refreshes (``page_cache.public_cache_control``); a web process whose cache write
    was lost notices the change within ``CONTENT_CHANGE_CHECK_SECONDS``.
    """
    worst = (
        2 * settings.PAGE_CACHE_SHARED_MAX_AGE + settings.CONTENT_CHANGE_CHECK_SECONDS
    )
    if worst < WITHDRAWAL_VISIBLE_WITHIN_SECONDS:
        return []
    return [
        Error(
            f"PAGE_CACHE_SHARED_MAX_AGE={settings.PAGE_CACHE_SHARED_MAX_AGE} lets a "
            f"shared cache show a withdrawn photo for up to {worst:g} s, over the "
            f"{WITHDRAWAL_VISIBLE_WITHIN_SECONDS} s promised.",
            hint="Set PAGE_CACHE_SHARED_MAX_AGE to 1 (the default).",
            id="cms.E001",
        )
    ]
