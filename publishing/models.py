"""The social-account register (governance) and the delivery ledger (outbox).

`SocialAccount` is a school account on a network, approved by senior leadership on a
business case (A1), run by a named owner and at least two managers (A2), with its
credentials encrypted at rest (A3). `SocialPost` is the text an editor writes for one
account on one page. `Delivery` is the outbox row that gets that post onto the network
exactly once and off it again when the page is withdrawn.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable, Site

from publishing.post_text_panel import PostTextPanel
from publishing.text import page_link, post_text_with_link
from schools.models import default_school_id, school_field


class Network(models.TextChoices):
    """The networks the school can post to; each maps to an adapter in settings."""

    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook Page"
    INSTAGRAM = "instagram", "Instagram (professional account)"
    BLUESKY = "bluesky", "Bluesky"


#: Networks whose accounts anyone can see, whatever the business case says: an
#: Instagram professional account cannot be made private and Bluesky has no private
#: accounts. A photo of a learner goes there only with public-social consent (C4).
ALWAYS_PUBLIC_NETWORKS = frozenset({Network.INSTAGRAM, Network.BLUESKY})


class SocialAccountQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SocialAccount.Status.APPROVED)

    def of_schools(self, *, sites: list[Site]):
        """The accounts of these schools."""
        return self.filter(site__in=sites)

    def needing_attention(self):
        """Accounts a person has to act on: suspended or disconnected."""
        return self.filter(
            Q(status=SocialAccount.Status.SUSPENDED)
            | Q(
                status=SocialAccount.Status.APPROVED,
                connection=SocialAccount.Connection.RECONNECT_NEEDED,
            )
        )


class SocialAccount(models.Model):
    """A school account on a social network, with its business case (A1-A3)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (awaiting senior leadership)"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended (fewer than two managers)"

    class Connection(models.TextChoices):
        NOT_CONNECTED = "not_connected", "Not connected"
        CONNECTED = "connected", "Connected"
        RECONNECT_NEEDED = "reconnect_needed", "Reconnect needed"

    class Visibility(models.TextChoices):
        OPEN = "open", "Open (anyone can see posts)"
        PRIVATE = "private", "Private (approved followers only)"
        CLOSED = "closed", "Closed (members of the school community only)"

    site = school_field(default=default_school_id)
    name = models.CharField(
        max_length=120, help_text="How staff know it, e.g. 'School X account'"
    )
    network = models.CharField(max_length=16, choices=Network.choices)
    handle = models.CharField(
        max_length=200, blank=True, help_text="The @name or Page name on the network"
    )
    # The business case (A1).
    aim = models.TextField(help_text="What the account is for")
    audience = models.TextField(help_text="Who it is for")
    promotion_plan = models.TextField(help_text="How parents will hear about it")
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    access_locations = models.TextField(
        help_text="Where it is accessed from (school devices, which rooms...)"
    )
    monitoring_plan = models.TextField(
        help_text="Who watches it, when, and how replies are handled"
    )
    escalation_procedure = models.TextField(
        help_text="What staff do when something goes wrong"
    )
    # Who runs it (A2).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_social_accounts",
        help_text="The member of staff responsible for the account",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_social_accounts",
        help_text="At least two members of staff who manage it",
    )
    # The decision (A1).
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    suspended_reason = models.TextField(blank=True)
    # The connection (A3): credentials are a Fernet token, never shown again.
    connection = models.CharField(
        max_length=20, choices=Connection.choices, default=Connection.NOT_CONNECTED
    )
    connection_problem = models.TextField(blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    connected_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The termly access review (A3).
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reminder_sent_on = models.DateField(null=True, blank=True)

    objects = SocialAccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_network_display()})"

    @property
    def owner_name(self) -> str:
        """The owner as staff know them: their name, not their username."""
        owner = self.owner
        return (owner.get_full_name() or owner.get_username()) if owner else ""

    @property
    def is_closed(self) -> bool:
        """Closed or private accounts may carry images of learners (C4).

        An account on a network that has no closed accounts is open, whatever its
        business case says.
        """
        if self.network in ALWAYS_PUBLIC_NETWORKS:
            return False
        return self.visibility != self.Visibility.OPEN

    def clean(self) -> None:
        if (
            self.network in ALWAYS_PUBLIC_NETWORKS
            and self.visibility
            and self.visibility != self.Visibility.OPEN
        ):
            raise ValidationError(
                {
                    "visibility": _(
                        "%(network)s accounts can always be seen by anyone: choose "
                        "open, so photos go there only with permission for public "
                        "social media."
                    )
                    % {"network": self.get_network_display()}
                }
            )

    def active_managers(self):
        return self.managers.filter(is_active=True)


class AccessReview(models.Model):
    """A termly review of who manages an account (A3), as senior leadership saw it."""

    account = models.ForeignKey(
        SocialAccount, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    managers_seen = models.TextField(help_text="The managers at the time of review")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at"]


class SocialPost(Orderable):
    """The text an editor writes for one account on one page (P2: a link is added).

    A ParentalKey to Page (not NewsPage) so that news and notices share one relation;
    the page's revisions carry the posts, so what is approved is what is sent.
    """

    page = ParentalKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="social_posts"
    )
    account = models.ForeignKey(
        SocialAccount, on_delete=models.PROTECT, related_name="posts"
    )
    text = models.TextField(
        help_text=_(
            "A link back to this page on the website is added if you leave it out"
        )
    )

    class Languages(models.TextChoices):
        """How a bilingual school's post carries both languages (issue 27)."""

        TOGETHER = "together", _("One post in both languages")
        PAIR = "pair", _("A post in each language, sent at the same moment")

    languages = models.CharField(
        _("both languages"),
        max_length=10,
        choices=Languages.choices,
        default=Languages.TOGETHER,
        help_text=_(
            "For a school that publishes in Welsh and English: one post with both "
            "texts (the other language's text is its translation's post for this "
            "account), or a post in each language sent at the same moment. "
            "English-only schools can ignore this."
        ),
    )
    include_image = models.BooleanField(
        default=True,
        help_text=_(
            "Post the page's photos with this text: its listing image first, then "
            "the photos in its body, as many as the network takes in one post. If "
            "the parents of someone pictured have not agreed to this account, the "
            "page is sent back to you saying who and why, before anyone reviews it."
        ),
    )

    panels = [
        FieldPanel("account"),
        PostTextPanel("text"),
        FieldPanel("languages"),
        FieldPanel("include_image"),
    ]

    def __str__(self) -> str:
        return f"{self.account} on {self.page_id}"

    def text_as_posted(self, *, page) -> str:
        """The exact text sent: the editor's words plus the link to ``page`` (P2).

        The review screen (moderation) shows this too, so what is approved is what
        is sent.
        """
        from publishing.bilingual_posts import post_words

        words = post_words(post=self, page=page)
        return post_text_with_link(
            text=words.text, link=page_link(words.link_page, account=self.account)
        )

    def review_notes(self, *, page) -> list[str]:
        """What the network will do to the post that the approver should know."""
        from publishing.bilingual_posts import language_notes
        from publishing.post_photos import photo_notes

        return [
            *language_notes(post=self, page=page),
            *photo_notes(post=self, page=page),
        ]

    def images_as_posted(self, *, page) -> list:
        """The photos sent with the post, in order, if asked for (see `post_photos`)."""
        from publishing.post_photos import photos_for_post

        return photos_for_post(post=self, page=page)

    def clean(self) -> None:
        # Imported here: validation reads the adapters, which read this module's models.
        from publishing.validation import social_post_errors

        errors = social_post_errors(post=self)
        if errors:
            raise ValidationError(errors)


class DeliveryQuerySet(models.QuerySet):
    def due(self, *, at):
        """Deliveries waiting for a send or a deletion whose time has come."""
        return self.filter(
            status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRACT_DUE],
            next_attempt_at__lte=at,
        )

    def stuck(self, *, before):
        """In flight since before ``before``: the worker most likely died."""
        return self.filter(
            status__in=[Delivery.Status.SENDING, Delivery.Status.RETRACTING],
            claimed_at__lt=before,
        )

    def failed(self):
        return self.filter(status=Delivery.Status.FAILED)

    def might_be_live(self):
        """On the network, or possibly: a remote id, or a send of unknown outcome."""
        return self.filter(~Q(remote_id="") | Q(outcome_unknown_since__isnull=False))

    def overdue(self, *, before):
        """Due (or in flight) since before ``before``: nothing is moving them.

        Whatever the cause (Redis down, no worker, the database unreachable from
        the worker), a delivery waiting this long needs a person to know.
        """
        return self.filter(
            Q(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRACT_DUE],
                next_attempt_at__lt=before,
            )
            | Q(
                status__in=[Delivery.Status.SENDING, Delivery.Status.RETRACTING],
                claimed_at__lt=before,
            )
        )

    def needing_attention(self, *, overdue_before=None):
        """Stopped deliveries, and (given ``overdue_before``) overdue ones."""
        stopped = Q(
            status__in=[
                Delivery.Status.FAILED,
                Delivery.Status.NEEDS_ATTENTION,
                Delivery.Status.BLOCKED,
                Delivery.Status.HELD,
                Delivery.Status.DELETE_BY_HAND,
                Delivery.Status.WAITING_FOR_LANGUAGE,
            ]
        )
        if overdue_before is None:
            return self.filter(stopped)
        overdue = self.overdue(before=overdue_before).values("pk")
        return self.filter(stopped | Q(pk__in=overdue))

    def live(self):
        """Not retracted or cancelled: the one delivery of a page to an account."""
        return self.exclude(
            status__in=[Delivery.Status.RETRACTED, Delivery.Status.CANCELLED]
        )

    def carrying_pictures(self, *, image_ids, learner_id=None, fingerprints=()):
        """Deliveries whose image was one of these, pictured the learner, or had
        one of these fingerprints, as the ledger recorded them when they were sent.

        The learners are a JSON list, which SQLite cannot search inside, so they are
        compared here over the (few) deliveries that carry an image.
        """
        image_ids, fingerprints = set(image_ids), set(fingerprints) - {""}
        return [
            delivery
            for delivery in self.filter(include_image=True)
            if image_ids & set(delivery.picture_ids)
            or (learner_id is not None and learner_id in delivery.pictured_learner_ids)
            or fingerprints & {delivery.image_sha256, *delivery.image_fingerprints}
        ]


class Delivery(models.Model):
    """One post of one page to one account: the outbox row (issue parts 5 and 6).

    A delivery with a ``remote_id`` is on the network: it is never sent again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Due to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        HELD = "held", "Held (account needs attention)"
        BLOCKED = "blocked", "Blocked by consent"
        FAILED = "failed", "Failed"
        NEEDS_ATTENTION = "needs_attention", "Needs attention (outcome unknown)"
        RETRACT_DUE = "retract_due", "Due to be deleted"
        RETRACTING = "retracting", "Deleting"
        DELETE_BY_HAND = (
            "delete_by_hand",
            "Not deleted yet: a manager must delete it in the network's app",
        )
        RETRACTED = "retracted", "Deleted from the network"
        CANCELLED = "cancelled", "Cancelled (never sent)"
        WAITING_FOR_LANGUAGE = (
            "waiting_language",
            "Waiting for the other language (not sent alone)",
        )

    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="social_deliveries",
    )
    page_title = models.CharField(max_length=255)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account = models.ForeignKey(
        SocialAccount, on_delete=models.PROTECT, related_name="deliveries"
    )
    text = models.TextField(help_text="Exactly what was (or will be) posted")
    link = models.URLField(max_length=500)
    include_image = models.BooleanField(default=False)
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The (first) image the post carries, if any (retracted if consent "
        "goes)",
    )
    image_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of every image the post carries, in order (a carousel)",
    )
    # Who was pictured and which picture, kept on the delivery itself: the image can
    # be retagged, replaced or deleted later, and a withdrawal must still reach every
    # post that carried the learner (C1).
    pictured_learner_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the learners pictured in the image, as posted",
    )
    image_title = models.CharField(max_length=255, blank=True)
    image_sha256 = models.CharField(
        "image SHA-256",
        max_length=64,
        blank=True,
        help_text="Fingerprint of the exact bytes sent",
    )
    image_perceptual_hash = models.CharField(
        max_length=16,
        blank=True,
        help_text="Fingerprint of the picture that survives resizing",
    )
    image_fingerprints = models.JSONField(
        default=list,
        blank=True,
        help_text="SHA-256 of every picture carried, as uploaded and as sent",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.TextField(blank=True, help_text="Why it is not (yet) sent")
    remote_id = models.CharField(max_length=200, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    outcome_unknown_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "Set while the outcome of a send is unknown (the answer was lost): the "
            "post may be on the network, so it is looked for before any resend"
        ),
    )
    failed_looks = models.PositiveSmallIntegerField(
        default=0,
        help_text="Looks on the network in a row that could not read its posts",
    )
    attempts = models.PositiveIntegerField(default=0)
    first_due_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    retract_requested_at = models.DateTimeField(null=True, blank=True)
    retract_reason = models.TextField(blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            # One live post of a page per account: publishing the same page again
            # (the same or an edited revision) never posts twice. After a retraction
            # (unpublish, then publish again) a new delivery may be made.
            models.UniqueConstraint(
                fields=["page", "account"],
                condition=~Q(status__in=["retracted", "cancelled"]),
                name="publishing_one_live_delivery_per_page_account",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.page_title} → {self.account.name}"

    @property
    def wants_retraction(self) -> bool:
        return self.retract_requested_at is not None

    @property
    def waiting_since(self):
        """When it was claimed (in flight), or when it fell due (waiting)."""
        in_flight = (self.Status.SENDING, self.Status.RETRACTING)
        return self.claimed_at if self.status in in_flight else self.next_attempt_at

    @property
    def picture_ids(self) -> list[int]:
        """Every image the post carries, in order (older rows knew only `image`)."""
        if self.image_ids:
            return list(self.image_ids)
        return [self.image_id] if self.image_id else []

    @property
    def might_be_live(self) -> bool:
        """The post is on the network, or may be (see ``outcome_unknown_since``)."""
        return bool(self.remote_id) or self.outcome_unknown_since is not None

    def live_post(self) -> str:
        """A link to the post on the network, for the admin list."""
        if not self.remote_url or self.status != self.Status.SENT:
            return ""
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">View post</a>', self.remote_url
        )

    live_post.short_description = "Live post"


class Pin(models.Model):
    """A notice's post pinned to the top of an account while it applies (M1).

    Where the network can pin through its API (Facebook) the pin job does it and
    checks it is still pinned; where it cannot (X), or it refuses, the account's
    managers get a task on their dashboard and an email to pin it by hand.
    """

    class Status(models.TextChoices):
        PINNED = "pinned", "Pinned"
        PIN_BY_HAND = "pin_by_hand", "To pin by hand"
        PINNED_BY_HAND = "pinned_by_hand", "Pinned by hand"
        WAITING = "waiting", "Waiting (a more urgent notice is pinned)"
        UNPINNED = "unpinned", "Unpinned"

    OPEN_TASK = (Status.PIN_BY_HAND,)

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="pin"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.TextField(blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    unpinned_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.delivery} ({self.get_status_display()})"


# Scheduled-job runs live beside the jobs; imported here so Django finds the model.
from publishing.inbox.models import (  # noqa: E402, F401
    BlockNotice,
    InboxAction,
    InboxAlert,
    InboxItem,
    InboxReading,
    InboxReply,
    InboxWordList,
)
from publishing.scheduled_jobs.models import JobRun  # noqa: E402, F401
from publishing.social_policy.models import (  # noqa: E402, F401
    PolicyAcknowledgement,
    SocialMediaPolicy,
)
