"""The database's record of public content changes, the generation's safety net.

The content generation lives in the shared cache (Redis). A write to it can be lost
(Redis unreachable for a moment) while the change itself commits: every process would
go on serving pages built before the change. So each transaction that changes public
content also adds a row here, in the same transaction; web processes compare the
generation with the newest row every ``CONTENT_CHANGE_CHECK_SECONDS`` and start a new
generation when it is behind. A lost write then delays a change by about a second.
"""

from __future__ import annotations

from django.db import models

KEEP_ROWS = 100  # only the newest row is read; a few more for the curious


class PublicContentChange(models.Model):
    """One row per change to what the public sees (a save, a publish, a withdrawal)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)

    class Meta:
        verbose_name = "public content change"


def record_content_change(*, reason: str) -> int:
    """Add a row (in the caller's transaction); the newest id is the version."""
    change = PublicContentChange.objects.create(reason=reason[:200])
    PublicContentChange.objects.filter(pk__lte=change.pk - KEEP_ROWS).delete()
    return change.pk


def latest_content_change() -> int:
    """The newest change's id, 0 before the first."""
    latest = PublicContentChange.objects.order_by("-pk").values_list("pk", flat=True)
    return latest.first() or 0
