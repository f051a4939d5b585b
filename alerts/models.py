"""Parent alerts: subscribers without an account, what they chose, and the email ledger.

Everything belongs to one school (a Wagtail ``Site``): a subscriber signs up on one
school's website and hears only from that school; an alert is written for one page
of one school; a ledger row joins an alert to a subscriber of the same school.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .school_settings import AlertSettings  # noqa: F401  (a model of this app)


class Category(models.TextChoices):
    """What a family can choose to hear about."""

    URGENT = "urgent", _("Urgent closures")
    NOTICES = "notices", _("Holiday and general notices")
    NEWS = "news", _("News")
    TERM_DATES = "term_dates", _("Term dates and events")


#: In a family's choices (the sign-up form, ``pending_choices``, ``consent``): the
#: ids of the school's news categories they picked; none means all the news.
NEWS_CATEGORIES = "news_categories"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Straight away")
    DAILY = "daily", _("A daily summary")
    WEEKLY = "weekly", _("A weekly summary on Fridays")


class SubscriberQuerySet(models.QuerySet):
    def receiving(self) -> SubscriberQuerySet:
        """Confirmed, not unsubscribed, not suppressed by a bounce or complaint."""
        return self.filter(
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
            suppressed_at__isnull=True,
        )


class Subscriber(models.Model):
    """One email address signed up to one school's updates (no account, no password).

    ``pending_choices`` holds what the sign-up form asked for until the address is
    confirmed: nothing is sent and nothing changes for an address before its owner
    clicks the confirmation link (double opt-in). ``consent`` records what they agreed
    to, when, and on which page.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="alert_subscribers"
    )
    email = models.EmailField(_("email address"), max_length=254)
    #: The address in one form (lower case, domain in ASCII) so the same address
    #: typed twice, or by two parents, is one subscriber.
    email_key = models.CharField(max_length=254, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    pending_choices = models.JSONField(default=dict, blank=True)
    source_page = models.CharField(max_length=500, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent = models.JSONField(default=dict, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppressed_reason = models.CharField(max_length=200, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "email_key"], name="alerts_one_subscriber_per_address"
            )
        ]
        permissions = [
            ("manage_subscribers", "Can see, export and delete parent subscribers")
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_receiving(self) -> bool:
        return bool(
            self.confirmed_at and not self.unsubscribed_at and not self.suppressed_at
        )


class Subscription(models.Model):
    """One category a confirmed subscriber hears about, and how often."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    #: For news: only posts in these of the school's news categories; none chosen
    #: means all the school's news.
    news_categories = models.ManyToManyField(
        "cms.NewsCategory", blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "category"], name="alerts_one_choice_per_category"
            )
        ]


class Alert(models.Model):
    """What one published page, or one date in the school calendar, tells families.

    Its title, summary and link. A page's alert is written when the page goes live
    (approval or scheduled go-live) and withdrawn when the page leaves the website,
    which stops every email not yet sent. A term date's is written when the date is
    added or changed (a newer change replaces it) and withdrawn when it is removed.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="alerts"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        related_name="parent_alerts",
    )
    term_date = models.ForeignKey(
        "cms.TermDate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parent_alerts",
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=500)
    versions = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "A bilingual school's alert: each language's title, summary and link, "
            "in the school's order, all in one email"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(withdrawn_at__isnull=True),
                name="alerts_one_live_alert_per_page",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def in_languages(self) -> list[dict]:
        """What the email says, one block per language (one for most schools)."""
        if self.versions:
            return self.versions
        language = translation.get_language() or settings.LANGUAGE_CODE
        return [
            {
                "language": language,
                "title": self.title,
                "summary": self.summary,
                "url": self.url,
            }
        ]


class AlertEmailQuerySet(models.QuerySet):
    def due(self, *, now) -> AlertEmailQuerySet:
        return self.filter(
            status=AlertEmail.Status.QUEUED, due_at__lte=now, next_attempt_at__lte=now
        )


class AlertEmail(models.Model):
    """The ledger: one row per alert and recipient, sent exactly once.

    An immediate row is one email; the rows of one subscriber due at the same digest
    time go in one summary email, and each is marked sent with it. A row is claimed
    (``sending``) by a conditional UPDATE before its email is handed to the mail
    server, so two workers never both send it; one left ``sending`` by a worker that
    died is ``unknown``, never sent again (an email cannot be recalled, and a second
    copy is what the ledger exists to prevent).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")
        CANCELLED = "cancelled", _("Not sent: no longer wanted")
        UNKNOWN = "unknown", _("Unknown: the sender stopped while sending")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="emails")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alert_emails"
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    due_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    #: What the provider said later (anymail's tracking webhook): delivered,
    #: bounced, complained...
    delivery_event = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)

    objects = AlertEmailQuerySet.as_manager()

    #: What the school's email provider reported about an email, in the office's words.
    PROVIDER_SAID = {
        "queued": _("Waiting at the email provider"),
        "sent": _("Sent on by the email provider"),
        "delivered": _("Delivered"),
        "deferred": _("Delayed: the provider is still trying"),
        "bounced": _("Bounced"),
        "complained": _("Marked as spam"),
        "rejected": _("Refused by the email provider"),
    }

    @property
    def provider_said(self) -> str:
        """``delivery_event`` in the office's words ("" if nothing known)."""
        return self.PROVIDER_SAID.get(self.delivery_event, "")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscriber"], name="alerts_one_email_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"])]


class PushDevice(models.Model):
    """One browser or phone that asked to be notified of one school's updates.

    The browser's push subscription: the push service's address for this device
    (``endpoint``, which only the device and we know) and the keys its messages are
    encrypted with. Subscribing is the browser's own permission prompt, after a tap
    on "notify me on this device" (no email, no account). ``categories`` are what it
    hears about, always straight away: a summary is an email's job.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="push_devices"
    )
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    #: The categories, each with a space either side (" urgent news "), so one
    #: ``contains`` query finds the devices of a category on every database.
    categories = models.CharField(max_length=100, default=" ")
    created_at = models.DateTimeField(auto_now_add=True)
    #: What the device's owner agreed to, when, and on which page.
    consent = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "endpoint"], name="alerts_one_device_per_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"push device {self.pk}"

    @property
    def category_list(self) -> list[str]:
        return self.categories.split()

    @staticmethod
    def categories_value(categories: list[str]) -> str:
        return f" {' '.join(categories)} "

    def wants(self, category: str) -> bool:
        return category in self.category_list


class AlertPush(models.Model):
    """The push ledger: one row per alert and device, claimed once before sending.

    Unlike an email, a push that may have gone (the push service did not answer in
    time, or a worker stopped while sending) is sent again: every message for one
    alert carries the same ``Topic`` (the push service replaces a waiting copy) and
    notification tag (the phone replaces a shown one), so the family sees it once.
    A device the push service says is gone (404/410) is deleted; its rows stay as
    "not sent" for the office's counts.
    """

    Status = AlertEmail.Status

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="pushes")
    device = models.ForeignKey(
        PushDevice,
        on_delete=models.SET_NULL,
        null=True,
        related_name="alert_pushes",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "device"], name="alerts_one_push_per_device"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
