"""A recorded exception to "both languages together" (issue 27).

Welsh Government guidance expects a bilingual school's information in Welsh and
English at the same time. When that cannot be (an urgent closure with no Welsh
speaker in), a senior leader may let one language go live first; the other must
follow within two working days. The record names who allowed it and why, and stays
on the dashboard until the other language is live.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LanguageExceptionQuerySet(models.QuerySet):
    def open(self):
        """Exceptions whose other language is not live yet."""
        return self.filter(resolved_at__isnull=True)

    def for_site(self, site):
        return self.filter(site=site)


class LanguageException(models.Model):
    """One page allowed to go live without its translation, for now."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    missing_language = models.CharField(max_length=16)
    reason = models.TextField()
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    due_by = models.DateField(help_text="The other language must be live by then")
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = LanguageExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["due_by", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.page} without {self.missing_language} until {self.due_by}"
