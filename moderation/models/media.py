"""Pictures recognised as copies of ones already tagged or withdrawn (C1, C2).

A photo withdrawn because consent ended must not come back as a new upload. When an
upload's fingerprint matches an earlier item, a ``MediaMatch`` records it: the new
item inherits the earlier one's learners and withdrawal, the editor sees the match on
the edit form, and only the consent officer may loosen the new item's tags.

A document matches a photo when a picture inside it is that photo (issue 20): the
matched item is then an image, so each match names the kind of item it matched.

A picture a little further from an earlier withdrawn one than "the same picture" is
recorded as a look-alike: nothing is inherited, and the consent officer decides on
the "Look-alike pictures" screen whether it is a copy.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class MediaMatch(models.Model):
    """An image or document whose file is the same picture as an earlier one."""

    class How(models.TextChoices):
        SAME_FILE = "same_file", "the same file"
        SAME_PICTURE = (
            "same_picture",
            "the same picture (resized, re-saved, mirrored or framed)",
        )
        PICTURE_INSIDE = "picture_inside", "a picture inside it is the same photo"
        LOOKS_LIKE = "looks_like", "looks like it (the consent officer decides)"

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    item_id = models.PositiveBigIntegerField(help_text="The new upload")
    matched_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The kind of the earlier item: a document can match a photo",
    )
    matched_id = models.PositiveBigIntegerField(help_text="The earlier item it matches")
    matched_title = models.CharField(max_length=255)
    matched_was_withdrawn = models.BooleanField(default=False)
    how = models.CharField(max_length=16, choices=How.choices)
    found_at = models.DateTimeField(default=timezone.now)
    # A look-alike is only a question for the consent officer: nothing is inherited
    # until they answer it ("the same picture" makes it a copy).
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["found_at", "pk"]
        indexes = [models.Index(fields=["content_type", "item_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "content_type",
                    "item_id",
                    "matched_content_type",
                    "matched_id",
                ],
                name="moderation_one_match_per_pair",
            )
        ]

    @property
    def is_copy(self) -> bool:
        """Whether the item is taken to be a copy (and so inherits the earlier one)."""
        return self.how != self.How.LOOKS_LIKE

    def __str__(self) -> str:
        return f"{self.item_id} is {self.get_how_display()} as {self.matched_id}"

    @property
    def description(self) -> str:
        """How the editor and the consent officer are told about the match."""
        state = (
            "withdrawn because consent ended for someone in it"
            if self.matched_was_withdrawn
            else "tagged with the learners pictured"
        )
        return f"“{self.matched_title}” ({state}): {self.get_how_display()}"
