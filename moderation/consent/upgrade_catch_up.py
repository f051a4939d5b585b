"""After an upgrade across migration moderation 0007: bring existing media up to date.

Uploads became private by default (issue 9): media already on live pages would vanish
from the site until each page was published again. Working out each item's consent
clearance and making the public copies needs today's rule-set and today's image code,
which a migration must not import (a migration runs with the models as they were, and
must give the same result whatever the code is later). So migration 0007 only marks
the point; this receiver of ``post_migrate`` does the work with today's code once every
migration has run, and only when that migration was among those applied, so on a
fresh database (which has no media yet) and on every later ``migrate`` it does nothing.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

CATCH_UP_AFTER = ("moderation", "0007_media_clearance_and_public_copies")


def applied_forwards(plan, *, migration: tuple[str, str] = CATCH_UP_AFTER) -> bool:
    """Whether ``migration`` (app label, name) was just applied forwards."""
    return any(
        (applied.app_label, applied.name) == migration and not backwards
        for applied, backwards in plan or ()
    )


def fully_migrated(using: str) -> bool:
    """Whether every migration is applied (today's models match the tables)."""
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def media_catch_up(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recheck every item's clearance, then make the public copies of live pages.

    Returns how many live pages had their media synced. Idempotent: the nightly
    clearance job and ``manage.py sync_public_media`` do the same work.
    """
    from wagtail.models import Page

    from cms.public_media import page_media_sync

    from .clearance import media_clearance_refresh_all

    media_clearance_refresh_all()
    pages = 0
    for page in Page.objects.using(using).live().public().specific().iterator():
        page_media_sync(page=page)
        pages += 1
    return pages


def after_migrate(sender, plan=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` (sent once per app; connected for moderation's only)."""
    if not applied_forwards(plan):
        return
    if not fully_migrated(using):
        logger.warning(
            "Media catch-up postponed: not every migration is applied. Run "
            "`manage.py migrate`, then `manage.py sync_public_media`.",
            extra={"event": "media_catch_up_postponed"},
        )
        return
    pages = media_catch_up(using=using)
    logger.info(
        "Media catch-up after migration: %s live page(s) synced",
        pages,
        extra={"event": "media_catch_up"},
    )
