"""The inbox's records: what came in, what was done about it, and each school's
reading settings, word lists and alert choices.

Every record belongs to one school (a Wagtail ``Site``) from its first migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboxItemQuerySet(models.QuerySet):
    def for_school(self, site) -> InboxItemQuerySet:
        return self.filter(site=site)

    def open(self) -> InboxItemQuerySet:
        return self.filter(state__in=(InboxItem.State.NEW, InboxItem.State.NEEDS_REPLY))

    def overdue(self, *, at) -> InboxItemQuerySet:
        return self.open().filter(due_at__lt=at)

    def waiting_for_dsl(self) -> InboxItemQuerySet:
        return self.filter(flagged_for_dsl=True, dsl_seen_at__isnull=True)


class InboxItem(models.Model):
    """One comment or reply under one of the school's posts, on one account."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        NEEDS_REPLY = "needs_reply", _("Needs reply")
        ANSWERED = "answered", _("Answered")
        HIDDEN = "hidden", _("Hidden")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="inbox_items"
    )
    account = models.ForeignKey(
        "publishing.SocialAccount", on_delete=models.PROTECT, related_name="inbox"
    )
    remote_id = models.CharField(max_length=200)
    post_remote_id = models.CharField(max_length=200, blank=True)
    parent_remote_id = models.CharField(max_length=200, blank=True)
    post_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The school's post this is under, when it came from a delivery",
    )
    author_id = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    received_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    hidden_on_network = models.BooleanField(default=False)
    flagged_for_dsl = models.BooleanField(default=False)
    dsl_seen_at = models.DateTimeField(null=True, blank=True)
    top_priority = models.BooleanField(
        default=False, help_text="Harmful, and the network could not hide it"
    )
    rule = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    overdue_emailed_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(
        "moderation.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        ordering = ["-top_priority", "due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "remote_id"], name="inbox_item_once_per_account"
            )
        ]
        indexes = [models.Index(fields=["site", "state", "due_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.NEEDS_REPLY)

    def is_overdue(self, at=None) -> bool:
        return self.is_open and self.due_at < (at or timezone.now())


class InboxAction(models.Model):
    """What was done to an item, by a rule or a person: the inbox's log."""

    class Kind(models.TextChoices):
        HIDDEN = "hidden", _("Hidden")
        SHOWN = "shown", _("Shown again")
        HIDE_FAILED = "hide_failed", _("Could not hide")
        FLAGGED = "flagged", _("Flagged to the safeguarding lead")
        REPLIED = "replied", _("Replied")
        STATE = "state", _("State changed")
        ESCALATED = "escalated", _("Incident raised")
        BLOCKED = "blocked", _("Blocked")
        TOLD_WHY = "told_why", _("Told why they were blocked")

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    rule = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def automatic(self) -> bool:
        return self.by_id is None


class InboxReply(models.Model):
    """A reply written in the inbox: a publication, sent once (remote id kept)."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a second person")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    item = models.ForeignKey(
        InboxItem, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    approval_reason = models.CharField(max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    remote_id = models.CharField(max_length=200, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["written_at", "pk"]


class BlockNotice(models.Model):
    """The message telling a blocked person exactly why (I3), sent once.

    Drafted when they are blocked; a manager of the account edits and sends it, as
    a private reply where the network allows one, or by hand where it does not. The
    words sent are also the blocked accounts register's "exact words sent".
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, for a manager to send")
        BY_HAND = "by_hand", _("To be sent by hand")
        SENT = "sent", _("Sent")
        SENT_BY_HAND = "sent_by_hand", _("Sent by hand")
        FAILED = "failed", _("Not sent")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE)
    item = models.ForeignKey(
        InboxItem, on_delete=models.CASCADE, related_name="block_notices"
    )
    blocked = models.OneToOneField(
        "moderation.BlockedAccount",
        on_delete=models.CASCADE,
        related_name="inbox_notice",
    )
    text = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices)
    remote_id = models.CharField(max_length=200, blank=True)
    problem = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    @property
    def is_sent(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.SENT_BY_HAND)


class InboxReading(models.Model):
    """How the inbox reads one account: Facebook by webhook or polling; X on or off."""

    class Mode(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook (Facebook tells us at once; polled hourly)")
        POLLING = "polling", _("Polling (we ask every few minutes)")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE)
    account = models.OneToOneField(
        "publishing.SocialAccount", on_delete=models.CASCADE, related_name="reading"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.POLLING)
    enabled = models.BooleanField(default=True)
    cost_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cost_accepted_at = models.DateTimeField(null=True, blank=True)
    expected_items_per_month = models.PositiveIntegerField(default=200)
    read_until = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)


class InboxWordList(models.Model):
    """A school's own words that hide a comment, one list per language.

    English and Welsh are kept apart: a Welsh speaker curates the Welsh list.
    """

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        WELSH = "cy", _("Welsh")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE)
    language = models.CharField(max_length=2, choices=Language.choices)
    words = models.TextField(blank=True, help_text=_("One word or phrase a line"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "language"], name="inbox_one_word_list_per_language"
            )
        ]

    def entries(self) -> list[str]:
        return [line.strip() for line in self.words.splitlines() if line.strip()]


class InboxAlert(models.Model):
    """Who is emailed about harmful comments, and how often."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="inbox_alert_once")
        ]
        indexes = [models.Index(fields=["site", "frequency"])]


__all__ = [
    "BlockNotice",
    "InboxAction",
    "InboxAlert",
    "InboxItem",
    "InboxReading",
    "InboxReply",
    "InboxWordList",
]
