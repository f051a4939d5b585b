"""The consent register: learners, their consent per use, the do-not-publish list.

Personal data is kept to the minimum the rules need (C1, C2, C5): a name to recognise
in text (C3), a class to tell two Amy Smiths apart, the school's management-information
id to import by, and the consent history.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from schools.models import default_school_id, school_field


class ConsentUse(models.TextChoices):
    """The uses a parent is asked about separately (C5: online use named when asked)."""

    WEBSITE = "website", "Website"
    CLOSED_SOCIAL = "closed_social", "Closed social accounts"
    PUBLIC_SOCIAL = "public_social", "Public social accounts"
    PRESS = "press", "Press"
    #: Photos in the school's emails to families (newsletters, email alerts). An
    #: email cannot be recalled once sent: parents are told so when asked.
    NEWSLETTER_EMAIL = "newsletter_email", "Newsletters and emails"


class LearnerQuerySet(models.QuerySet):
    def on_roll(self, on: datetime.date | None = None) -> LearnerQuerySet:
        """Learners who have not left by ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=on))

    def do_not_publish(self) -> LearnerQuerySet:
        return self.filter(do_not_publish=True)


class Learner(models.Model):
    """A pupil who may appear in the school's photos and videos."""

    site = school_field(default=default_school_id)
    external_id = models.CharField(
        "MIS id",
        max_length=64,
        help_text="The learner's id in the school's management information system",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(
        "known as",
        max_length=100,
        blank=True,
        help_text="The first name the learner goes by, if not their legal one "
        "(e.g. 'Millie' for Amelia). Read for full names in text as well",
    )
    year_group = models.CharField("class / year", max_length=50, blank=True)
    left_on = models.DateField(
        "left school on",
        null=True,
        blank=True,
        help_text="From this day the learner's images are no longer used",
    )
    do_not_publish = models.BooleanField(
        "on the do-not-publish list",
        default=False,
        help_text="Never shown anywhere, whatever consent says",
    )
    do_not_publish_reason = models.TextField(
        blank=True, help_text="Seen only by the designated safeguarding lead"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "external_id"], name="learner_unique_mis_id_per_school"
            )
        ]
        permissions = [
            ("view_do_not_publish_reason", "Can see why a learner may not be published")
        ]

    def __str__(self) -> str:
        return self.full_name + (f" ({self.year_group})" if self.year_group else "")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        """How a learner is named to staff who may not see the register."""
        return "".join(
            f"{part[:1].upper()}." for part in (self.first_name, self.last_name)
        )

    def has_left(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.left_on is not None and self.left_on <= on


class ConsentRecordQuerySet(models.QuerySet):
    def latest_first(self) -> ConsentRecordQuerySet:
        return self.order_by("-recorded_at", "-pk")


class ConsentRecord(models.Model):
    """One decision about one use, kept for ever: withdrawal is a new record (C1).

    The learner's current consent for a use is their newest record for it; older
    records are the history a consent officer shows when asked who agreed to what.
    """

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="consent_records"
    )
    use = models.CharField(max_length=20, choices=ConsentUse.choices)
    given = models.BooleanField(
        help_text="Yes: consent given. No: refused or withdrawn"
    )
    given_on = models.DateField(
        "date of the decision", help_text="When the parent or carer decided"
    )
    expires_on = models.DateField(
        null=True, blank=True, help_text="Usually the end of the school year"
    )
    recorded_by = models.CharField(
        max_length=150, help_text="Who recorded it, e.g. 'Mrs Jones (office)'"
    )
    recorded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    lapse_handled_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the expiry check withdrew the uses this consent covered",
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["learner", "use", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["learner", "use", "-recorded_at"])]

    def __str__(self) -> str:
        verb = "given" if self.given else "withdrawn"
        return f"{self.get_use_display()}: {verb} on {self.given_on:%d %b %Y}"

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        """Given and not expired on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.given and (self.expires_on is None or self.expires_on >= on)
