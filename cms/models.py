"""Content models: news, notices, standard pages, term dates, images and documents."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument, Document, DocumentQuerySet
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Image,
    ImageQuerySet,
)
from wagtail.models import Page, PageManager, Site
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from schools.current import school_for_request
from schools.models import default_school_id, school_field

from . import notice_panels
from .api_fields import PublicRenditionField, SchoolAddressField
from .blocks import BodyBlock
from .caching.content_changes import PublicContentChange  # noqa: F401  (a model)
from .caching.query_parameters import LISTING_PAGE
from .calendar_settings import (  # noqa: F401  (models of this app)
    HolidayNoticeSettings,
    MonitoringHours,
)
from .calendar_sources import CalendarSource, TermDatesUpload  # noqa: F401  (models)
from .document_cleaning import document_contents_read
from .fingerprints import perceptual_hashes_of, sha256_of
from .languages import SchoolLanguages  # noqa: F401  (a model of this app)
from .lean_pages import LeanPageMixin
from .media_removals import MediaRemoval  # noqa: F401  (a model)
from .notice_panels import SocialPostsPanel
from .page_forms import SchoolPageForm, TrustNoticeForm
from .pagination import paginate
from .preparation.models import (  # noqa: F401  (models)
    PagePreparation,
    PreparedMedium,
    PreparedTranslation,
)
from .statutory.models import (  # noqa: F401  (models of this app)
    StatutoryInformationPage,
    StatutoryRecord,
    StatutoryRequirement,
    StatutorySettings,
)
from .welsh_holiday_names import welsh_name

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
        """Publishable items that have public copies: a live, public page uses them.

        Not those whose copies wait for an approved page to go live (issue 22).
        """
        return (
            self.publishable(on)
            .exclude(public_files={})
            .filter(
                models.Q(public_files__awaiting=False)
                | ~models.Q(public_files__has_key="awaiting")
            )
        )


class SchoolImageQuerySet(ConsentTaggedQuerySetMixin, ImageQuerySet):
    pass


class SchoolDocumentQuerySet(ConsentTaggedQuerySetMixin, DocumentQuerySet):
    pass


def school_copyright_holder() -> str:
    """The default copyright holder of a photo or document: the school (C6).

    By the name the school gives its site (Settings → Sites), which staff keep up to
    date; ``WAGTAIL_SITE_NAME`` (``SCHOOL_NAME``) only when the site has none.
    """
    site = Site.objects.filter(is_default_site=True).only("site_name").first()
    return (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME


class ConsentTaggedMedia(models.Model):
    """Who is pictured in an image or document, and whether it may still be shown.

    An item is *untagged* until it names the learners pictured or declares that none
    can be identified: it may be uploaded and used in drafts, never published (C1).
    Staff pictured need their consent confirmed too (C5). ``consent_withdrawn_at`` is
    set by moderation's withdrawal cascade; rendering and the API check it (C1, C2).
    """

    is_picture = False  # whether a perceptual hash can be taken of the file
    #: Fields ``_take_fingerprints`` sets, saved with any save that reads the file.
    fingerprint_fields = ("sha256", "perceptual_hash", "perceptual_hash_variants")

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
    copyright_holder = models.CharField(
        max_length=255,
        blank=True,  # a draft may be saved without; publication needs it (C6)
        default=school_copyright_holder,
        help_text="Who owns the copyright: the school, unless someone else took or "
        "made it",
    )
    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Shown with it, e.g. 'Photo: Mrs Jones'. Needed when the copyright "
        "holder is not the school",
    )
    # Fingerprints of the file, kept so a withdrawn or tagged picture uploaded again
    # is recognised (moderation) and so the ledger records what left the server.
    sha256 = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    perceptual_hash = models.CharField(max_length=16, blank=True, editable=False)
    # The same hash of the picture mirrored, flipped and turned (cms/fingerprints.py),
    # space-separated: how a mirrored copy of a withdrawn photo is recognised.
    perceptual_hash_variants = models.CharField(
        max_length=119, blank=True, editable=False
    )
    first_posted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was first sent to a social media account",
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
    def perceptual_hashes(self) -> tuple[str, ...]:
        """Its picture's hash in every orientation, upright first; () if no picture."""
        if not self.perceptual_hash:
            return ()
        return (self.perceptual_hash, *self.perceptual_hash_variants.split())

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

    def save(self, *args, **kwargs):
        self.fingerprint_changed = self._file_changed()
        if self.fingerprint_changed:
            self._take_fingerprints()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *self.fingerprint_fields}
        super().save(*args, **kwargs)

    def _file_changed(self) -> bool:
        """A new upload, a replaced file, or one never fingerprinted."""
        if not self.file:
            return False
        if self.pk is None or not self.sha256:
            return True
        stored = type(self).objects.filter(pk=self.pk).values_list("file", flat=True)
        return stored.first() != self.file.name

    def _take_fingerprints(self) -> None:
        try:
            with self.open_file() as handle:
                self.sha256 = sha256_of(handle)
                hashes = perceptual_hashes_of(handle) if self.is_picture else ()
                self.perceptual_hash = hashes[0] if hashes else ""
                self.perceptual_hash_variants = " ".join(hashes[1:])
        except OSError:
            # The file is not readable (moved out of storage after a withdrawal):
            # keep the fingerprints taken when it was.
            pass


class SchoolImage(ConsentTaggedMedia, AbstractImage):
    """An image with who is pictured (C1, C5), its copyright holder and credit (C6)."""

    # The chooser hides withdrawn items (moderation.consent.wagtail_hooks); a search
    # in the chooser filters on this too, so the search index must know the field.
    search_fields = [
        *AbstractImage.search_fields,
        index.FilterField("consent_withdrawn_at"),
    ]

    is_picture = True
    learners = models.ManyToManyField(
        "moderation.Learner",
        through="cms.SchoolImageLearner",
        blank=True,
        related_name="images",
        help_text="Every learner who can be recognised in the image",
    )

    welsh_description = models.CharField(
        _("description in Welsh (alt text)"),
        max_length=255,
        blank=True,
        help_text=_(
            "What the picture shows, read aloud on the Welsh website. A school that "
            "publishes in Welsh and English needs it for every photo on its pages."
        ),
    )

    objects = SchoolImageQuerySet.as_manager()

    admin_form_fields = (
        *Image.admin_form_fields,
        "welsh_description",
        "copyright_holder",
        "credit",
        "learners",
        "no_identifiable_learners",
        "staff_pictured",
        "staff_consent_confirmed",
    )

    @property
    def default_alt_text(self) -> str:
        """The description in the language the page is read in (Welsh on /cy/)."""
        if self.welsh_description and translation.get_language() == "cy":
            return self.welsh_description
        return super().default_alt_text

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

    # The chooser hides withdrawn items (moderation.consent.wagtail_hooks); a search
    # in the chooser filters on this too, so the search index must know the field.
    search_fields = [
        *AbstractDocument.search_fields,
        index.FilterField("consent_withdrawn_at"),
    ]

    learners = models.ManyToManyField(
        "moderation.Learner",
        through="cms.SchoolDocumentLearner",
        blank=True,
        related_name="documents",
        help_text="Every learner who can be recognised in the document's photos",
    )

    # What the file carries besides its visible text (cms/document_cleaning.py),
    # read when it is uploaded: moderation's rules read these, and the public copy
    # has none of the hidden properties.
    hidden_properties = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The words in the file's hidden properties (author, title, "
        "subject, custom fields): checked for learners' full names",
    )
    embedded_pictures = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Fingerprints of each picture inside the file",
    )
    file_problem = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Why the file cannot be published, in plain words; blank if it can",
    )
    contents_read = models.BooleanField(default=False, editable=False)

    fingerprint_fields = (
        *ConsentTaggedMedia.fingerprint_fields,
        "hidden_properties",
        "embedded_pictures",
        "file_problem",
        "contents_read",
    )

    objects = SchoolDocumentQuerySet.as_manager()

    admin_form_fields = (
        *Document.admin_form_fields,
        "copyright_holder",
        "credit",
        "learners",
        "no_identifiable_learners",
        "staff_pictured",
        "staff_consent_confirmed",
    )

    def _file_changed(self) -> bool:
        """Also a document uploaded before its contents were read (issue 20)."""
        return super()._file_changed() or (bool(self.file) and not self.contents_read)

    def _take_fingerprints(self) -> None:
        super()._take_fingerprints()
        try:
            with self.open_file() as handle:
                content = handle.read()
        except OSError:
            return  # as for the fingerprints: keep what was read when it was
        contents = document_contents_read(content, extension=self.file_extension)
        self.hidden_properties = contents.hidden_properties
        self.embedded_pictures = contents.pictures
        self.file_problem = contents.problem
        self.contents_read = True

    def contents_refresh(self) -> None:
        """Read the file of a document uploaded before documents were read.

        Saved like a new upload, so a withdrawn or tagged photo inside it is
        recognised (moderation listens for new files).
        """
        if not self.contents_read:
            self.save(update_fields=["contents_read"])


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


class TermDate(index.Indexed, models.Model):
    """A date parents plan around: terms, holidays, INSET days, closures, events.

    Holidays, INSET days and closures are days nobody watches the school's accounts
    (M1): they drive the holiday notices and ``cms.school_calendar``. ``uid`` is the
    iCalendar UID of an imported date and ``source`` the calendar it came from:
    importing from that source again updates, moves or removes it. A date typed in
    by hand has neither, and no import removes it.
    """

    class Kind(models.TextChoices):
        TERM = "term", _("Term")
        HOLIDAY = "holiday", _("School holiday")
        INSET = "inset", _("INSET day (school closed to pupils)")
        CLOSURE = "closure", _("School closed (e.g. polling day)")
        EVENT = "event", _("Event")

    SCHOOL_CLOSED_KINDS = (Kind.HOLIDAY, Kind.INSET, Kind.CLOSURE)

    site = school_field(default=default_school_id)
    title = models.CharField(max_length=200)
    welsh_title = models.CharField(
        _("title in Welsh"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown on the Welsh website and in Welsh notices (bilingual schools). "
            "Left empty, a standard holiday (Christmas holidays, half term, INSET "
            "day…) gets its usual Welsh name, any other date its English title."
        ),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EVENT)
    starts_on = models.DateField()
    ends_on = models.DateField(
        blank=True, null=True, help_text="Leave empty for one day"
    )
    starts_at_time = models.TimeField(
        "starts at", blank=True, null=True, help_text="Leave empty for all day"
    )
    ends_at_time = models.TimeField(
        "ends at", blank=True, null=True, help_text="Leave empty for all day"
    )
    details = models.TextField(blank=True)
    uid = models.CharField(
        "calendar UID",
        max_length=255,
        blank=True,
        editable=False,
        help_text="Set when imported from a calendar file",
    )
    source = models.ForeignKey(
        "cms.CalendarSource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # its dates stay (keeping their calendar UIDs)
        editable=False,
        related_name="term_dates",
        help_text="The calendar it was imported from; empty when typed in by hand",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("welsh_title"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("starts_at_time")]),
        FieldRowPanel([FieldPanel("ends_on"), FieldPanel("ends_at_time")]),
        FieldPanel("details"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("welsh_title"),
        index.SearchField("details"),
    ]

    class Meta:
        ordering = ["starts_on", "starts_at_time", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "uid"],
                condition=~models.Q(uid=""),
                name="term_date_unique_calendar_uid_per_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d %b %Y})"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def title_in_language(self) -> str:
        """The title in the language being shown (the Welsh website's in Welsh)."""
        return self.title_for(translation.get_language() or "")

    def title_for(self, language: str) -> str:
        """The title in ``language``: in Welsh, its own Welsh title, else the
        standard Welsh name of a standard holiday, else the English title
        (``cms.welsh_holiday_names``)."""
        if language == "cy":
            return welsh_name(english_title=self.title, welsh_title=self.welsh_title)
        return self.title

    @property
    def is_all_day(self) -> bool:
        return self.starts_at_time is None

    @property
    def closes_school(self) -> bool:
        return self.kind in self.SCHOOL_CLOSED_KINDS

    @property
    def calendar_label(self) -> str:
        """Where it came from, in the admin list: an import only removes its own."""
        if self.source_id is not None:
            return self.source.name
        return "Imported earlier" if self.uid else "Typed in here"

    def clean(self) -> None:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date is before the start date."})
        if self.ends_at_time and not self.starts_at_time:
            raise ValidationError(
                {"starts_at_time": "Give a start time too, or leave both empty."}
            )
        if (
            self.starts_at_time
            and self.ends_at_time
            and self.last_day == self.starts_on
            and self.ends_at_time <= self.starts_at_time
        ):
            raise ValidationError({"ends_at_time": "The end is before the start."})


# The text for each social account (publishing.SocialPost, related_name "social_posts").
# Named by relation only: cms never imports publishing (see ARCHITECTURE.md).
SOCIAL_POSTS_PANEL = SocialPostsPanel(
    "social_posts",
    heading="Social media",
    label="Post to an account",
    help_text="Sent when the page is approved; the link to this page is added.",
)
NOTICE_SOCIAL_POSTS_PANEL = SocialPostsPanel(
    "social_posts",
    heading="Social media",
    label="Post to an account",
    help_text=notice_panels.POSTS_HELP,
)


class NewsIndexPage(LeanPageMixin, Page):
    base_form_class = SchoolPageForm
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1
    api_fields = [APIField("intro")]

    #: The listing is paginated (the page cache keys on what is declared here).
    query_parameters = (LISTING_PAGE,)

    def routable_children(self):
        return NewsPage.objects.child_of(self).select_related("listing_image")

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_for_listing  # selectors import this module

        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = paginate(
            news_for_listing(within=self),
            page=request.GET.get("page"),
            per_page=NEWS_PER_PAGE,
        )
        return context


class NewsPage(LeanPageMixin, Page):
    base_form_class = SchoolPageForm
    search_label = _("News")  # what search results call it

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
        # Newest first; posts of the same date in the order they were written. Both
        # columns are this table's, so one index serves every listing: the database
        # reads the first few entries of it instead of sorting thousands of posts.
        ordering = ["-date", "-page_ptr"]
        indexes = [
            models.Index(fields=["date", "page_ptr"], name="cms_news_newest_first")
        ]


class NoticeIndexPage(LeanPageMixin, Page):
    base_form_class = SchoolPageForm
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["cms.NoticePage"]
    max_count_per_parent = 1
    api_fields = [APIField("intro")]

    def routable_children(self):
        return NoticePage.objects.child_of(self)

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
        """Shown in the band on every page: pinned, and every urgent or closure."""
        return self.filter(
            models.Q(pinned=True) | models.Q(kind__in=NoticePage.FIRST_KINDS)
        )

    def shown_on(self, site: Site):
        """The notices of ``site``: its own, and the trust's notices chosen for it."""
        return self.filter(
            models.Q(path__startswith=site.root_page.path)
            | models.Q(trustnoticepage__schools=site)
        )

    def by_priority(self):
        """The trust's notices first, then the school's urgent notices and closures,
        then pinned, then the rest; newest first.

        A snow closure approved this morning must never sit below a holiday notice,
        and a school's own notices stay below the trust's decision for all schools.
        ``from_trust`` says which are the trust's (they have no page in the school).
        """
        return self.annotate(
            from_trust=models.ExpressionWrapper(
                models.Q(trustnoticepage__isnull=False),
                output_field=models.BooleanField(),
            ),
            priority=models.Case(
                models.When(trustnoticepage__isnull=False, then=models.Value(-1)),
                models.When(kind__in=NoticePage.FIRST_KINDS, then=models.Value(0)),
                models.When(pinned=True, then=models.Value(1)),
                default=models.Value(2),
            ),
        ).order_by("priority", "-valid_from", "-first_published_at", "-pk")


class NoticePage(LeanPageMixin, Page):
    base_form_class = SchoolPageForm
    search_label = _("Notice")  # what search results call it

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        HOLIDAY = "holiday", _("Holiday")
        CLOSURE = "closure", _("School closure")
        URGENT = "urgent", _("Urgent")

    # Shown first everywhere, need senior approval, go to every account, pinned.
    FIRST_KINDS = (Kind.URGENT, Kind.CLOSURE)

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    message = RichTextField(features=["bold", "italic", "link", "ul", "ol"])
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(
        default=False, help_text="Show at the top of every page while it is in force"
    )
    holiday = models.ForeignKey(
        "cms.TermDate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holiday_notices",
        editable=False,
        help_text="The holiday this notice was drafted for",
    )

    objects = PageManager.from_queryset(NoticeQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind", help_text=notice_panels.KIND_HELP),
        FieldPanel("message"),
        MultiFieldPanel(
            [
                FieldPanel("valid_from"),
                FieldPanel("valid_until", help_text=notice_panels.ENDS_HELP),
                FieldPanel("pinned"),
            ],
            heading="When it applies",
        ),
        NOTICE_SOCIAL_POSTS_PANEL,
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

    @property
    def shows_first(self) -> bool:
        return self.kind in self.FIRST_KINDS

    def may_reopen(self, user) -> bool:
        """Whether ``user`` may end it at once ("School has reopened")."""
        return self.permissions_for_user(user).can_unpublish()

    @property
    def wants_pin(self) -> bool:
        """Pinned on the website and, where the network can, on the accounts (M1)."""
        return self.pinned or self.shows_first

    def clean(self) -> None:
        super().clean()
        if self.shows_first:
            self._closure_defaults()
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "The notice ends before it starts."})
        if self.valid_until and (self.shows_first or self.kind == self.Kind.HOLIDAY):
            # Ends everywhere when it stops applying: the go-live and expiry job
            # takes it off the website and its posts off the networks (M3).
            self.expire_at = self.valid_until

    def _closure_defaults(self) -> None:
        """An urgent notice or closure is pinned and ends with the school day.

        "The school day" is the one it applies to: today's, while today is a school
        day whose watched hours (monitoring-hours setting) are not over, else the
        next school day's, skipping weekends and holidays in the term calendar. A
        closure announced on Sunday for Monday ends on Monday evening.
        """
        from .school_calendar import NoMonitoredHours, school_day_end  # imports us

        self.pinned = True
        if self.valid_until is not None:
            return
        site = self.get_site() or Site.objects.filter(is_default_site=True).first()
        start = self.valid_from or timezone.now()
        try:
            self.valid_until = school_day_end(start, site=site)
        except NoMonitoredHours:
            # No watched day in a year (a settings mistake, shown elsewhere): the
            # end of the watched hours on the day it starts, or the day after.
            hours = MonitoringHours.for_site(site)
            local = start.astimezone(hours.zone)
            end = datetime.datetime.combine(local.date(), hours.closes_at, hours.zone)
            if end <= local:
                end += datetime.timedelta(days=1)
            self.valid_until = end


class StandardPage(LeanPageMixin, Page):
    base_form_class = SchoolPageForm
    search_label = _("Page")  # what search results call it

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True)
    review_by = models.DateField(
        blank=True, null=True, help_text="Its owner is reminded to check it from then"
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("review_by")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    api_fields = [APIField("intro"), APIField("body")]


class SocialMediaPage(LeanPageMixin, Page):
    """'Our social media': what we post, when we watch, how to raise a concern (M4).

    One per school (and per language): one under each school's home page.
    """

    base_form_class = SchoolPageForm

    search_label = _("Page")  # what search results call it

    what_we_post = RichTextField(features=["bold", "italic", "link", "ul"])
    when_monitored = RichTextField(features=["bold", "italic", "link", "ul"])
    raising_concerns = RichTextField(features=["bold", "italic", "link", "ul"])
    review_by = models.DateField(
        blank=True, null=True, help_text="Its owner is reminded to check it from then"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("what_we_post"),
        FieldPanel("when_monitored"),
        FieldPanel("raising_concerns"),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("review_by")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("what_we_post"),
        index.SearchField("when_monitored"),
        index.SearchField("raising_concerns"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
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


class TrustNoticesPage(LeanPageMixin, Page):
    """Where a trust writes notices for its schools: outside every school's site.

    A child of the tree's root, beside the schools' home pages, so no school's
    site (and no school editor's page permissions) reaches it; it has no address
    of its own. The trust's staff are given permissions on it. Trust notices are
    the one deliberate exception to "a record belongs to one school": each names
    the schools it is shown on.
    """

    base_form_class = SchoolPageForm
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.TrustNoticePage"]

    trust = models.ForeignKey(
        "schools.Trust",
        on_delete=models.PROTECT,
        related_name="notice_folders",
        verbose_name=_("trust"),
    )

    content_panels = [*Page.content_panels, FieldPanel("trust")]

    class Meta:
        verbose_name = _("trust notices")

    def serve(self, request, *args, **kwargs):
        raise Http404  # a folder for staff, never a page of any school's website


class TrustNoticePage(NoticePage):
    """One urgent notice or closure, decided once, shown first on every chosen school.

    A notice page of its own kind (so the API's notices and the band's ordering
    include it), kept in the trust's folder (``TrustNoticesPage``): approving it
    publishes one page, which every chosen school's band, API and social accounts
    read; unpublishing it (reopening) or its end takes it off all of them at once.
    It goes through the same two-person approval as a school closure, always with
    the senior-leadership step (``always_needs_senior_approval``), P1.
    """

    base_form_class = TrustNoticeForm

    schools = ParentalManyToManyField(
        "wagtailcore.Site",
        related_name="trust_notices",
        verbose_name=_("schools"),
        help_text=_(
            "Shown first on these schools' websites and sent to their accounts"
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind", help_text=notice_panels.TRUST_KIND_HELP),
        FieldPanel("message"),
        FieldPanel("schools", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("valid_from"), FieldPanel("valid_until")],
            heading=_("When it applies"),
        ),
    ]
    parent_page_types = ["cms.TrustNoticesPage"]
    subpage_types: list[str] = []
    # The senior-leadership step is never skipped, whatever the setting says (P1).
    always_needs_senior_approval = True
    api_fields = [
        *NoticePage.api_fields,
        APIField("schools_named"),
        APIField("school_url", serializer=SchoolAddressField()),
    ]

    class Meta:
        verbose_name = _("trust notice")

    def clean(self) -> None:
        if self.kind not in self.FIRST_KINDS:
            raise ValidationError(
                {"kind": _("A trust notice is a school closure or an urgent notice.")}
            )
        super().clean()
        trust = self.trust if self.path else None
        if trust is not None and any(
            not Site.objects.filter(pk=site.pk, school__trust=trust).exists()
            for site in self.schools.all()
        ):
            raise ValidationError(
                {"schools": _("Choose only schools of %(trust)s.") % {"trust": trust}}
            )

    @property
    def trust(self):
        """The trust whose folder it is in (None outside one)."""
        return self.trust_of(self)

    @staticmethod
    def trust_of(page):
        """The trust of the folder ``page`` (a trust notice, any instance) is in."""
        folder = page.get_parent()
        return getattr(folder.specific, "trust", None) if folder else None

    def may_reopen(self, user) -> bool:
        """The trust's senior leaders may end it for every school at once."""
        return super().may_reopen(user) or self.may_decide_on(
            self, user, senior_step=True
        )

    @classmethod
    def may_decide_on(cls, page, user, *, senior_step: bool) -> bool:
        """Whether ``user`` may approve ``page`` (this notice, as any instance) at a
        step (P1; the trust's own people).

        The senior step is a senior leader *of this trust*; the other steps anyone
        working in one of its schools or holding a role in it. Nobody from another
        trust ever decides on it, whatever their groups.
        """
        from schools.models import TrustRole  # every app may import schools

        trust = cls.trust_of(page)
        if trust is None:
            return False
        roles = TrustRole.objects.filter(trust=trust, user=user)
        if senior_step:
            return roles.filter(kind=TrustRole.Kind.SENIOR_LEADER).exists()
        return (
            roles.exists()
            or Site.objects.filter(school__trust=trust, memberships__user=user).exists()
        )

    @property
    def schools_named(self) -> list[str]:
        """The schools it is shown on, by name (for the API)."""
        return [site.site_name or site.hostname for site in self.schools.all()]

    def url_on_site(self, site: Site) -> str:
        """Its address on ``site``: every chosen school shows it on its own website."""
        return site.root_url + reverse("trust_notice", args=(self.pk,))

    def get_url_parts(self, request=None):
        """On a chosen school's website, its address there; elsewhere none."""
        # Wagtail's CDN purge passes its own batch object as the "request".
        is_request = getattr(request, "path", None) is not None
        site = school_for_request(request) if is_request else None
        if site is None or not self.schools.filter(pk=site.pk).exists():
            return None
        return (site.pk, site.root_url, reverse("trust_notice", args=(self.pk,)))

    def serve(self, request, *args, **kwargs):
        raise Http404  # read on each school's website (``cms.views.trust_notice``)
