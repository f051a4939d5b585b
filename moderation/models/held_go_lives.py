"""A bilingual pair's scheduled go-live that was held back (issue 27).

With "both languages together" on, a page scheduled to go live does so only with its
translation, in one transaction. When the time comes and one language is not ready
(its go-live was cancelled, it was deleted, its consent check fails now), neither
goes live: the schedule of both is cancelled and this record tells the school's staff
on the dashboard, until either version is approved again.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class HeldGoLiveQuerySet(models.QuerySet):
    def open(self):
        """Held go-lives nobody has approved again since."""
        return self.filter(resolved_at__isnull=True)


class HeldGoLive(models.Model):
    """One page whose scheduled go-live was held because its pair was not ready."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    go_live_at = models.DateTimeField()
    reason = models.TextField()
    held_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = HeldGoLiveQuerySet.as_manager()

    class Meta:
        ordering = ["held_at"]

    def __str__(self) -> str:
        return f"{self.page} held at {self.go_live_at}: {self.reason}"
