"""The site's content generation: one token that changes whenever public content does.

Cached pages and the cached site chrome carry the generation they were built from, so
replacing the token invalidates all of them at once (old entries simply stop being
read, then expire). It changes:

- when content changes (``content_changed``, called from signal receivers), both at
  once and again when the transaction commits: a request that read the new token
  before the commit could otherwise cache the old content under it for good;
- when the clock passes a scheduled boundary (a notice coming into or going out of
  force, midnight for "coming up" dates), which no signal announces.

Each process keeps the generation it last read for ``LOCAL_SECONDS`` (a tenth of a
second), so a cached page costs no Redis round trip for it; a change made in another
process is therefore seen here at most that much later. Short, because nginx may
refresh its micro-cache from a worker in that window and keep what it got for its
own second: the two add up to the delay before an urgent notice shows.

A write to the shared cache can be lost (Redis unreachable for a moment) while the
change commits; so ``content_changed`` also records the change in the database, in
the same transaction (``content_changes``), and every ``CONTENT_CHANGE_CHECK_SECONDS``
each process checks the generation against the newest record and starts a new one
when it is behind.

``changed_at`` (whole seconds, strictly increasing) is the pages' ``Last-Modified``:
two generations never share a second, so an ``If-Modified-Since`` from an older page
never matches a newer one.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_CACHE_KEY = "site-content:generation"
REQUEST_ATTRIBUTE = "_content_generation"
LOCAL_SECONDS = 0.1

# (generation, monotonic time it was read) for this process; replaced whole.
_local: tuple[ContentGeneration, float] | None = None
# When this process last compared its generation with the database (monotonic).
_checked_at = 0.0


@dataclass(frozen=True)
class ContentGeneration:
    """One state of the public content."""

    token: str
    changed_at: int  # Unix seconds; Last-Modified of everything built from it
    fresh_until: float | None  # Unix time of the next scheduled change, if any
    content_change: int = 0  # the newest PublicContentChange when it was made

    def is_current(self, *, now: datetime) -> bool:
        return self.fresh_until is None or now.timestamp() < self.fresh_until

    def seconds_left(self, *, now: datetime) -> float | None:
        """How long entries built from this generation may live, None: no limit."""
        if self.fresh_until is None:
            return None
        return max(self.fresh_until - now.timestamp(), 0.0)


def _next_generation(
    *, previous: ContentGeneration | None, now: datetime
) -> ContentGeneration:
    from cms.selectors import next_scheduled_content_change  # selectors import models

    from .content_changes import latest_content_change  # a model: after app loading

    boundary = next_scheduled_content_change(after=now)
    changed_at = math.ceil(now.timestamp())
    if previous is not None:
        changed_at = max(changed_at, previous.changed_at + 1)
    return ContentGeneration(
        token=secrets.token_hex(8),
        changed_at=changed_at,
        fresh_until=boundary.timestamp() if boundary else None,
        content_change=latest_content_change(),
    )


def _remember(generation: ContentGeneration) -> ContentGeneration:
    global _local  # noqa: PLW0603 (one per process, replaced atomically)
    _local = (generation, time.monotonic())
    return generation


def _replace(*, now: datetime | None = None) -> ContentGeneration:
    global _checked_at  # noqa: PLW0603 (one per process)
    # Redis unreachable reads as None: this process's own copy keeps the Last-Modified
    # dates rising all the same.
    previous = cache.get(GENERATION_CACHE_KEY) or (_local[0] if _local else None)
    generation = _next_generation(previous=previous, now=now or timezone.now())
    cache.set(GENERATION_CACHE_KEY, generation, timeout=None)
    _checked_at = time.monotonic()
    return _remember(generation)


def _behind_the_database(generation: ContentGeneration) -> bool:
    """Every so often: has a change committed that this generation does not know?"""
    global _checked_at  # noqa: PLW0603 (one per process)
    interval = getattr(settings, "CONTENT_CHANGE_CHECK_SECONDS", 1.0)
    if time.monotonic() - _checked_at < interval:
        return False
    _checked_at = time.monotonic()
    from .content_changes import latest_content_change  # a model: after app loading

    return latest_content_change() > generation.content_change


def content_generation(
    *, request: HttpRequest | None = None, now: datetime | None = None
) -> ContentGeneration:
    """The current generation; read once per request (kept on ``request``)."""
    if request is not None and hasattr(request, REQUEST_ATTRIBUTE):
        return getattr(request, REQUEST_ATTRIBUTE)
    now = now or timezone.now()
    local = _local
    if (
        local is not None
        and time.monotonic() - local[1] < LOCAL_SECONDS
        and local[0].is_current(now=now)
    ):
        generation = local[0]
    else:
        generation = cache.get(GENERATION_CACHE_KEY)
        if (
            generation is None
            or not generation.is_current(now=now)
            or _behind_the_database(generation)
        ):
            generation = _replace(now=now)
        else:
            _remember(generation)
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, generation)
    return generation


def forget_local_copy() -> None:
    """Read the generation from the shared cache next time: it was just emptied."""
    global _local, _checked_at  # noqa: PLW0603 (one per process, replaced atomically)
    _local, _checked_at = None, 0.0


def _replace_on_commit() -> None:
    _replace()


def content_changed(*, reason: str) -> None:
    """Record the change in the database, in the change's own transaction; start a
    new generation now and again on commit: every cached page is stale.

    One commit-time replacement per transaction is enough however many objects it
    saved (a consent withdrawal saves every image picturing the learner).
    """
    from .content_changes import record_content_change  # a model: after app loading

    record_content_change(reason=reason)
    _replace()
    connection = transaction.get_connection()
    queued = connection.in_atomic_block and any(
        callback is _replace_on_commit
        for _savepoints, callback, _robust in connection.run_on_commit
    )
    if not queued:
        transaction.on_commit(_replace_on_commit)
    logger.debug(
        "Public content changed: %s", reason, extra={"event": "content_changed"}
    )
