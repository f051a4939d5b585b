"""An approved page waiting for the public copies of its photos and documents.

Approving a page whose photos or documents have no public copies yet records a
``PagePreparation`` for the approved revision, with one ``PreparedMedium`` per item
still to copy, and returns at once; rq jobs make the copies (one job per item, in
parallel where there are workers) and the last one publishes the revision. The rows
are the source of truth: Redis only wakes the workers, and the minute sweep wakes
again whatever is left (``cms.preparation.services``). A bilingual school's page
is prepared with its translations (``PreparedTranslation``): one preparation makes
the copies of every language, and they all go live in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PagePreparationQuerySet(models.QuerySet):
    def preparing(self):
        return self.filter(status=PagePreparation.Status.PREPARING)

    def of_pages(self, page_ids):
        """Preparations publishing any of ``page_ids``, as page or translation."""
        translated = PreparedTranslation.objects.filter(page_id__in=page_ids)
        return self.filter(
            models.Q(page_id__in=page_ids)
            | models.Q(pk__in=translated.values("preparation_id"))
        )


class PagePreparation(models.Model):
    """One approved revision, published when every copy it needs exists."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        LIVE = "live", _("Live")
        STOPPED = "stopped", _("Stopped")

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PREPARING, db_index=True
    )
    # Why it stopped, in the school's words (shown to the approver and the author).
    problem = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PagePreparationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.revision.object_str} ({self.get_status_display()})"


class PreparedTranslation(models.Model):
    """Another language's version, published with the preparation's page.

    Its approved revision is recorded at approval; it goes live in the same
    transaction as the page, or not at all.
    """

    preparation = models.ForeignKey(
        PagePreparation, on_delete=models.CASCADE, related_name="translations"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["preparation", "page"], name="one_prepared_translation_per_page"
            )
        ]

    def __str__(self) -> str:
        return self.revision.object_str


class PreparedMedium(models.Model):
    """One photo or document of a preparation, and whether its copies exist."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        DOCUMENT = "document", _("Document")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    preparation = models.ForeignKey(
        PagePreparation, on_delete=models.CASCADE, related_name="media"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Not a foreign key: an item deleted meanwhile stops the preparation
    # (cms.signal_handlers) instead of silently leaving it.
    object_id = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.WAITING
    )
    # Each wake-up has its own job id; the sweep's next attempt makes a stale job
    # (of a worker that died) do nothing.
    attempt = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["preparation", "kind", "object_id"],
                name="one_prepared_medium_per_item",
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"
