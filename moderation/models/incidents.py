"""Incidents, their evidence and timeline, takedown requests and blocked accounts.

The guidance (I1-I4, M2) asks that every incident is recorded with evidence, escalated
to the right person and handled so that nothing is lost and nobody is exposed. Two
rules shape these models:

- nothing recorded is rewritten: the timeline and the evidence are append-only (a
  correction is a new item that points at the one it corrects);
- personal data is kept to the minimum and deleted when the retention period ends,
  leaving only an anonymous ``IncidentDeletionRecord`` that it was.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from schools.models import default_school_id, school_field

EVIDENCE_STORAGE = "incident_evidence"


class ImmutableRecord(Exception):
    """Raised when code tries to change a timeline entry or an evidence item."""


class Platform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    WEBSITE = "website", "The school website"
    OTHER = "other", "Another site or app"


class IncidentCategory(models.TextChoices):
    ABUSE = "abuse", "Abuse"
    HARASSMENT = "harassment", "Harassment"
    DEFAMATION = "defamation", "Defamation"
    COMPLAINT = "complaint", "Complaint raised on social media"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    THREAT_OR_HATE = "threat_or_hate", "Credible threat or hate"
    TAKEDOWN = "takedown", "Takedown request"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IncidentQuerySet(models.QuerySet):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=Incident.Status.CLOSED)

    def overdue(self, *, at: datetime.datetime | None = None) -> IncidentQuerySet:
        """Nobody has taken these on, and the response time (M2) has passed."""
        at = at or timezone.now()
        return self.filter(status=Incident.Status.NEW, response_due_at__lt=at)

    def safeguarding(self) -> IncidentQuerySet:
        return self.filter(category=IncidentCategory.SAFEGUARDING)

    def retention_ended(self, *, before: datetime.datetime) -> IncidentQuerySet:
        """Closed before ``before`` and not on legal hold: due for deletion."""
        return self.filter(
            status=Incident.Status.CLOSED, closed_at__lt=before, legal_hold=False
        )


class Incident(models.Model):
    """One incident as reported (I1), with who owns it and by when to respond (M2)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_HAND = "in_hand", "In hand"
        REFERRED = "referred", "Referred"
        CLOSED = "closed", "Closed"

    site = school_field(default=default_school_id)
    occurred_at = models.DateTimeField(
        "when it happened", help_text="As near as is known"
    )
    platform = models.CharField(
        "where", max_length=20, choices=Platform.choices, default=Platform.FACEBOOK
    )
    account = models.CharField(
        "account or page",
        max_length=200,
        blank=True,
        help_text="The account that posted it, or the page or group it appeared on",
    )
    url = models.URLField(
        "web address",
        max_length=1000,
        help_text="The address of the post, comment or page (copy it from the browser)",
    )
    content_as_reported = models.TextField(
        "what was said or shown",
        help_text="The words as reported. Never copy an image of a child that may be "
        "indecent: call the police instead.",
    )
    people_involved = models.TextField(
        "who was involved",
        blank=True,
        help_text="Only what is needed to deal with it, e.g. 'a parent of a Year 4 "
        "pupil; Mr Hughes (PE)'",
    )
    category = models.CharField(max_length=20, choices=IncidentCategory.choices)
    severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="incidents_reported",
    )
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents_owned",
    )
    response_due_at = models.DateTimeField(
        help_text="24 hours after it was reported, or the next working day"
    )
    escalated_to_senior_at = models.DateTimeField(null=True, blank=True)
    escalated_to_dsl_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    legal_hold = models.BooleanField(
        default=False,
        help_text="Kept beyond the retention period while the police, the local "
        "authority or a court may need it",
    )
    legal_hold_reason = models.CharField(max_length=255, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["status", "response_due_at"])]

    def __str__(self) -> str:
        # What Wagtail's audit log shows: a number, never names or words reported.
        return f"Incident {self.pk}"

    @property
    def is_safeguarding(self) -> bool:
        return self.category == IncidentCategory.SAFEGUARDING

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def is_overdue(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.NEW and self.response_due_at < at


class IncidentEvent(models.Model):
    """One line of an incident's timeline. Append-only: never edited or removed."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "Reported"
        ASSIGNED = "assigned", "Assigned"
        STATUS = "status", "Status changed"
        ESCALATED = "escalated", "Escalated"
        REFERRED = "referred", "Referred outside the school"
        EVIDENCE = "evidence", "Evidence added"
        EXPORTED = "exported", "Evidence exported"
        EXPORT_INTERRUPTED = "export_interrupted", "Export interrupted"
        NOTE = "note", "Note"
        LEGAL_HOLD = "legal_hold", "Legal hold"
        TAKEDOWN = "takedown", "Takedown"
        CLOSED = "closed", "Closed"

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d %b %Y %H:%M} {self.get_kind_display()}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord("A timeline entry is never changed.")
        super().save(*args, **kwargs)


def _evidence_storage():
    return storages[EVIDENCE_STORAGE]


def _evidence_path(item: EvidenceItem, filename: str) -> str:
    """A random name per file: the original name is kept in the row, not on disk."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"incident-{item.incident_id}/{uuid.uuid4().hex}.{extension}"


class EvidenceItem(models.Model):
    """A screenshot or file kept as evidence (I1). Immutable once added.

    Stored in the private ``incident_evidence`` storage, outside the public media and
    never under a URL; read only through the admin with a fresh code. A mistake is
    corrected by adding a new item that names the one it corrects.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        storage=_evidence_storage, upload_to=_evidence_path, max_length=255
    )
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=60, help_text="As read from the content")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    description = models.TextField(
        help_text="What it shows, where and when it was captured, and by whom"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text="The earlier item this one corrects (which is kept)",
    )
    confirmed_no_indecent_images = models.BooleanField(
        help_text="The uploader confirmed it contains no indecent image of a child"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "evidence item"

    def __str__(self) -> str:
        return f"Evidence {self.pk} of incident {self.incident_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord("Evidence is never changed: add a correction.")
        super().save(*args, **kwargs)


class Referral(models.Model):
    """A referral outside the school (I2), with the other side's reference."""

    class Agency(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority / LADO"
        POLICE = "police", "Police"
        PLATFORM = "platform", "Report to the platform"
        OTHER = "other", "Other"

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="referrals"
    )
    agency = models.CharField(max_length=20, choices=Agency.choices)
    referred_on = models.DateField()
    reference = models.CharField(
        "reference number", max_length=100, blank=True, help_text="Their reference"
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} on {self.referred_on:%d %b %Y}"


class TakedownRequest(models.Model):
    """A learner, parent or carer asks for something to be taken down (I4).

    It names the content: a page, an image, or a social post (by its address). One
    action by an approver retracts it from the website and the networks; what the
    requester was told and how long it took are recorded.
    """

    class Requester(models.TextChoices):
        LEARNER = "learner", "A learner"
        PARENT = "parent", "A parent or carer"
        STAFF = "staff", "A member of staff"
        OTHER = "other", "Someone else"

    class Outcome(models.TextChoices):
        REMOVED = "removed", "Taken down"
        DECLINED = "declined", "Not taken down"

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="takedown"
    )
    requester = models.CharField("who asked", max_length=10, choices=Requester.choices)
    requester_name = models.CharField("their name", max_length=200)
    received_at = models.DateTimeField("when the request came in", default=timezone.now)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_post_url = models.URLField("social media post", max_length=500, blank=True)
    shows_learner = models.BooleanField(
        "about a photo of a learner",
        default=False,
        help_text="The consent officer can then record the consent decision too",
    )
    learner = models.ForeignKey(
        "moderation.Learner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    step_up_verified_at = models.DateTimeField(null=True, blank=True)
    posts_retracted = models.PositiveIntegerField(default=0)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    outcome_told = models.TextField(
        "what the requester was told", blank=True, default=""
    )
    requester_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Takedown request {self.pk}"

    @property
    def is_done(self) -> bool:
        return bool(self.outcome)

    @property
    def time_taken(self) -> datetime.timedelta | None:
        """From the request to the requester being told the outcome."""
        if self.requester_told_at is None:
            return None
        return self.requester_told_at - self.received_at


class BlockedAccountQuerySet(models.QuerySet):
    def blocked(self) -> BlockedAccountQuerySet:
        return self.filter(unblocked_at__isnull=True)

    def review_due(self, *, on: datetime.date) -> BlockedAccountQuerySet:
        return self.blocked().filter(review_on__lte=on)

    def reminder_due(self, *, on: datetime.date) -> BlockedAccountQuerySet:
        """Due for review and not yet reminded about this review date."""
        return self.review_due(on=on).filter(
            models.Q(review_reminded_on__isnull=True)
            | models.Q(review_reminded_on__lt=models.F("review_on"))
        )


class BlockedAccount(models.Model):
    """A social media user the school blocked, and exactly what they were told (I3)."""

    class Grounds(models.TextChoices):
        HARASSMENT = "harassment", "Harassment"
        OFFENSIVE_LANGUAGE = "offensive_language", "Offensive language"
        INAPPROPRIATE_CONTENT = "inappropriate_content", "Inappropriate content"
        SPAMMING = "spamming", "Spamming"
        OTHER = "other", "Other"

    site = school_field(default=default_school_id)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(
        "account", max_length=200, help_text="Their handle or profile name, e.g. @name"
    )
    grounds = models.CharField(max_length=30, choices=Grounds.choices)
    grounds_detail = models.TextField("details of the grounds", blank=True)
    message_sent = models.TextField(
        "the exact words sent to them",
        help_text="The message that told them they were blocked and why",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="who decided",
    )
    decided_at = models.DateTimeField("when", default=timezone.now)
    review_on = models.DateField("review date")
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocked_accounts",
    )
    unblocked_at = models.DateTimeField(
        "unblocked on",
        null=True,
        blank=True,
        help_text="Set when a review decides to lift the block",
    )

    objects = BlockedAccountQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "handle"]

    def __str__(self) -> str:
        return f"{self.handle} on {self.get_platform_display()}"


class IncidentDeletionRecord(models.Model):
    """That an incident existed and was deleted when its retention ended (GDPR).

    Holds no personal data: the number, category, dates and how many evidence items
    went, so the school can show it deletes on time and what it deleted.
    """

    incident_number = models.PositiveBigIntegerField(db_index=True)
    category = models.CharField(max_length=20, choices=IncidentCategory.choices)
    reported_on = models.DateField()
    closed_on = models.DateField()
    evidence_items = models.PositiveIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"Incident {self.incident_number} deleted {self.deleted_at:%d %b %Y}"
