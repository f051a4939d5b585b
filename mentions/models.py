"""What mentions are read from, what was found, and who is emailed about it.

Every record belongs to one school (a Wagtail ``Site``) from its first migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MentionFeed(models.Model):
    """An RSS or Atom feed of alerts the school added (Google Alerts and the like)."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="mention_feeds"
    )
    title = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "url"], name="mention_feed_once")
        ]

    def __str__(self) -> str:
        return self.title


class MentionSearch(models.Model):
    """The words a school's Bluesky search looks for: its name and keywords."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="mention_search"
    )
    terms = models.TextField(
        _("search terms"),
        blank=True,
        help_text=_("One a line: the school's name, its nicknames, its hashtags."),
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)

    def entries(self) -> list[str]:
        return list(
            dict.fromkeys(
                line.strip() for line in self.terms.splitlines() if line.strip()
            )
        )


class MentionQuerySet(models.QuerySet):
    def for_school(self, site) -> MentionQuerySet:
        return self.filter(site=site)

    def flagged(self) -> MentionQuerySet:
        return self.filter(models.Q(names_learner=True) | models.Q(names_staff=True))


class Mention(models.Model):
    """One post about the school, found once however many sources carried it."""

    class Source(models.TextChoices):
        FEED = "feed", _("Alert feed")
        BLUESKY = "bluesky", _("Bluesky search")

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="mentions"
    )
    key = models.CharField(
        max_length=64, help_text="A digest of the post's address: one row per post."
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    feed = models.ForeignKey(
        MentionFeed,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
    )
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now, db_index=True)
    names_learner = models.BooleanField(default=False)
    names_staff = models.BooleanField(default=False)

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "key"], name="mention_once")
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def flagged(self) -> bool:
        return self.names_learner or self.names_staff


class MentionEmail(models.Model):
    """How often one person (the DSL, the head) is emailed new mentions at a school."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as they are found")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    #: Mentions found after this are in the next email.
    sent_until = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="mention_email_once")
        ]
