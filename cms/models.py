"""Content models: news, notices, standard pages, term dates, images and documents."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument, Document, DocumentQuerySet
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Image,
    ImageQuerySet,
)
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .api_fields import PublicRenditionField
from .blocks import BodyBlock
from .pagination import paginate

NEWS_PER_PAGE = 10


class ConsentTaggedQuerySetMixin:
    """Queryset rules for media that may show learners, on the media's own fields.

    The consent register lives in moderation, which cms never imports: these filters
    use only the tags and the withdrawal flag that moderation's cascade sets.
    """

    def tagged(self):
        """Media that say who is in them: learners, or 'no identifiable learners'."""
        pictured = self.model.learners.through.objects.filter(
            **{self.model.learners.field.m2m_field_name(): models.OuterRef("pk")}
        )
        return self.filter(
            models.Q(no_identifiable_learners=True) | models.Exists(pictured)
        )

    def untagged(self):
        return self.exclude(pk__in=self.tagged().values("pk"))

    def withdrawn(self):
        return self.filter(consent_withdrawn_at__isnull=False)

    def publishable(self, on=None):
        """Items moderation's consent rules clear for the website on ``on`` (C1, C2).

        Reads only the clearance moderation keeps on each item (``consent_cleared``
        and its last day), so it is one condition, never a query per item.
        """
        on = on or timezone.localdate()
        return self.filter(
            models.Q(consent_cleared_until__isnull=True)
            | models.Q(consent_cleared_until__gte=on),
            consent_cleared=True,
            consent_withdrawn_at__isnull=True,
        )

    def public(self, on=None):
        """Publishable items that have public copies: a live, public page uses them."""
        return self.publishable(on).exclude(public_files={})


class SchoolImageQuerySet(ConsentTaggedQuerySetMixin, ImageQuerySet):
    pass


class SchoolDocumentQuerySet(ConsentTaggedQuerySetMixin, DocumentQuerySet):
    pass


class ConsentTaggedMedia(models.Model):
    """Who is pictured in an image or document, and whether it may still be shown.

    An item is *untagged* until it names the learners pictured or declares that none
    can be identified: it may be uploaded and used in drafts, never published (C1).
    Staff pictured need their consent confirmed too (C5). ``consent_withdrawn_at`` is
    set by moderation's withdrawal cascade; rendering and the API check it (C1, C2).
    """

    no_identifiable_learners = models.BooleanField(
        "no identifiable learners",
        default=False,
        help_text="Tick only if no learner can be recognised (e.g. hands, backs, "
        "a building). Otherwise choose the learners pictured.",
    )
    staff_pictured = models.CharField(
        max_length=255,
        blank=True,
        help_text="Names of staff who can be recognised, comma-separated",
    )
    staff_consent_confirmed = models.BooleanField(
        "staff consent confirmed",
        default=False,
        help_text="Each member of staff named above agreed to this use",
    )
    consent_withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a pictured learner's consent ends: never shown again",
    )
    # Kept by moderation (moderation/consent/clearance.py) on every change of tags or
    # consent: whether its consent rules pass for the website, and the last day they
    # do (None: no end date). Rendering reads these, so a page made live by any path
    # shows only media cleared today, without a query per item (defence in depth).
    consent_cleared = models.BooleanField(default=False, editable=False)
    consent_cleared_until = models.DateField(null=True, blank=True, editable=False)
    # The public copies (cms/public_media.py): storage names in the "public_media"
    # storage, made when a live, public page uses the item; {} means private.
    public_files = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        """True once consent ended for someone pictured: render nothing (C1)."""
        return self.consent_withdrawn_at is not None

    @property
    def is_publishable_now(self) -> bool:
        """Whether the consent rules clear this item for the website today (C1, C2)."""
        until = self.consent_cleared_until
        return (
            self.consent_cleared
            and self.consent_withdrawn_at is None
            and (until is None or until >= timezone.localdate())
        )


class SchoolImage(ConsentTaggedMedia, AbstractImage):
    """An image with who is pictured (C1, C5), its copyright holder and credit (C6)."""

    copyright_holder = models.CharField(max_length=255, blank=True)
    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Shown beside the image, e.g. 'Photo: Mrs Jones'",
    )
    learners = models.ManyToManyField(
        "moderation.Learner",
        through="cms.SchoolImageLearner",
        blank=True,
        related_name="images",
        help_text="Every learner who can be recognised in the image",
    )

    objects = SchoolImageQuerySet.as_manager()

    admin_form_fields = (
        *Image.admin_form_fields,
        "copyright_holder",
        "credit",
        "learners",
        "no_identifiable_learners",
        "staff_pictured",
        "staff_consent_confirmed",
    )
    # What a parent sees with the picture (issue 9): the public renditions, alt text
    # and credit. Never the staff title, tags, file name or original.
    api_fields = [
        APIField("alt", serializer=serializers.CharField(source="default_alt_text")),
        APIField("credit"),
        APIField("thumbnail", serializer=PublicRenditionField("fill-600x400")),
        APIField("large", serializer=PublicRenditionField("width-1200")),
    ]


class SchoolImageLearner(models.Model):
    """A learner pictured in an image. PROTECT: a pictured learner cannot vanish."""

    image = models.ForeignKey(SchoolImage, on_delete=models.CASCADE)
    learner = models.ForeignKey(
        "moderation.Learner", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        unique_together = [("image", "learner")]


class SchoolRendition(AbstractRendition):
    image = models.ForeignKey(
        SchoolImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self) -> str:
        """Staff-only: renditions are private, served by the admin's media view.

        The public site never uses this; it shows the public copies. Built here,
        not by the storage, so an S3 bucket's own URLs never bypass the admin.
        """
        return reverse("cms_private_media", args=[self.file.name])


class SchoolDocument(ConsentTaggedMedia, AbstractDocument):
    """A newsletter, letter or form offered on the website; it may carry photos (C1)."""

    learners = models.ManyToManyField(
        "moderation.Learner",
        through="cms.SchoolDocumentLearner",
        blank=True,
        related_name="documents",
        help_text="Every learner who can be recognised in the document's photos",
    )

    objects = SchoolDocumentQuerySet.as_manager()

    admin_form_fields = (
        *Document.admin_form_fields,
        "learners",
        "no_identifiable_learners",
        "staff_pictured",
        "staff_consent_confirmed",
    )


class SchoolDocumentLearner(models.Model):
    """A learner pictured in a document. PROTECT: a pictured learner cannot vanish."""

    document = models.ForeignKey(SchoolDocument, on_delete=models.CASCADE)
    learner = models.ForeignKey(
        "moderation.Learner", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        unique_together = [("document", "learner")]


@register_snippet
class NewsCategory(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "news categories"

    def __str__(self) -> str:
        return self.name


@register_snippet
class TermDate(index.Indexed, models.Model):
    """A date parents plan around: term start and end, holidays, INSET days, events."""

    class Kind(models.TextChoices):
        TERM = "term", "Term"
        HOLIDAY = "holiday", "School holiday"
        INSET = "inset", "INSET day (school closed to pupils)"
        EVENT = "event", "Event"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EVENT)
    starts_on = models.DateField()
    ends_on = models.DateField(
        blank=True, null=True, help_text="Leave empty for one day"
    )
    details = models.TextField(blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("details"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("details")]

    class Meta:
        ordering = ["starts_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d %b %Y})"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    def clean(self) -> None:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date is before the start date."})


# The text for each social account (publishing.SocialPost, related_name "social_posts").
# Named by relation only: cms never imports publishing (see ARCHITECTURE.md).
SOCIAL_POSTS_PANEL = InlinePanel(
    "social_posts",
    heading="Social media",
    label="Post to an account",
    help_text="Sent when the page is approved; the link to this page is added.",
)


class NewsIndexPage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1
    api_fields = [APIField("intro")]

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_for_listing  # selectors import this module

        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = paginate(
            news_for_listing(within=self),
            page=request.GET.get("page"),
            per_page=NEWS_PER_PAGE,
        )
        return context


class NewsPage(Page):
    search_label = "News"  # what search results call it

    date = models.DateField("Post date", default=timezone.localdate)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for listings, feeds and search"
    )
    # The school's own image model, so consent rules (C1, C2) cover listing images too.
    listing_image = models.ForeignKey(
        "cms.SchoolImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True)
    categories = ParentalManyToManyField("cms.NewsCategory", blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("summary"), FieldPanel("listing_image")],
            heading="Listing",
        ),
        FieldPanel("body"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        SOCIAL_POSTS_PANEL,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    api_fields = [
        APIField("date"),
        APIField("summary"),
        APIField("body"),
        APIField(
            "categories",
            serializer=serializers.SlugRelatedField(
                many=True, read_only=True, slug_field="name"
            ),
        ),
        # Public renditions, never the original; null unless publishable now (C1).
        APIField(
            "listing_image",
            serializer=PublicRenditionField("width-1200", source="listing_image"),
        ),
        APIField(
            "listing_image_thumbnail",
            serializer=PublicRenditionField("fill-600x400", source="listing_image"),
        ),
    ]

    class Meta:
        ordering = ["-date", "-first_published_at"]


class NoticeIndexPage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.NoticePage"]
    max_count_per_parent = 1
    api_fields = [APIField("intro")]

    def get_context(self, request, *args, **kwargs):
        from .selectors import notices_in_force  # selectors import this module

        context = super().get_context(request, *args, **kwargs)
        context["notices"] = notices_in_force(within=self)
        return context


class NoticeQuerySet(PageQuerySet):
    def current(self, at=None):
        """Notices in force now: started, not yet ended."""
        at = at or timezone.now()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=at),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=at),
        )

    def pinned(self):
        return self.filter(pinned=True)


class NoticePage(Page):
    search_label = "Notice"  # what search results call it

    class Kind(models.TextChoices):
        GENERAL = "general", "General"
        HOLIDAY = "holiday", "Holiday"
        CLOSURE = "closure", "School closure"
        URGENT = "urgent", "Urgent"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    message = RichTextField(features=["bold", "italic", "link", "ul", "ol"])
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(
        default=False, help_text="Show at the top of every page while it is in force"
    )

    objects = PageManager.from_queryset(NoticeQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("message"),
        MultiFieldPanel(
            [FieldPanel("valid_from"), FieldPanel("valid_until"), FieldPanel("pinned")],
            heading="When it applies",
        ),
        SOCIAL_POSTS_PANEL,
    ]
    search_fields = [*Page.search_fields, index.SearchField("message")]
    parent_page_types = ["cms.NoticeIndexPage"]
    subpage_types: list[str] = []
    api_fields = [
        APIField("kind"),
        APIField("message"),
        APIField("valid_from"),
        APIField("valid_until"),
        APIField("pinned"),
    ]

    @property
    def in_force(self) -> bool:
        """True while the notice applies (between its start and end, if it has them)."""
        now = timezone.now()
        started = self.valid_from is None or self.valid_from <= now
        return started and (self.valid_until is None or self.valid_until > now)

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "The notice ends before it starts."})


class StandardPage(Page):
    search_label = "Page"  # what search results call it

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    api_fields = [APIField("intro"), APIField("body")]


class SocialMediaPage(Page):
    """'Our social media': what we post, when we watch, how to raise a concern (M4)."""

    search_label = "Page"  # what search results call it

    what_we_post = RichTextField(features=["bold", "italic", "link", "ul"])
    when_monitored = RichTextField(features=["bold", "italic", "link", "ul"])
    raising_concerns = RichTextField(features=["bold", "italic", "link", "ul"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("what_we_post"),
        FieldPanel("when_monitored"),
        FieldPanel("raising_concerns"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("what_we_post"),
        index.SearchField("when_monitored"),
        index.SearchField("raising_concerns"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    api_fields = [
        APIField("what_we_post"),
        APIField("when_monitored"),
        APIField("raising_concerns"),
    ]


class FailedEmail(models.Model):
    """An email the mail server refused or could not be reached for, to send again.

    Written by ``cms.mail.RecordingEmailBackend`` instead of raising, so a mail outage
    never undoes or blocks the action that sent the email (a page submitted, consent
    withdrawn, a member of staff deactivated); ``cms.mail.failed_emails_retry`` sends
    it again from the cron table until it goes or ``MAX_ATTEMPTS`` is reached.
    """

    MAX_ATTEMPTS = 10

    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=254)
    recipients = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    error = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=1)
    failed_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.attempts} attempt(s))"

    @property
    def given_up(self) -> bool:
        return self.attempts >= self.MAX_ATTEMPTS
