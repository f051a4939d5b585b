"""The statutory lists (loaded from data) and each school's record against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.search import index

from cms.lean_pages import LeanPageMixin
from cms.page_forms import SchoolPageForm

LISTS = [("england", _("England")), ("wales", _("Wales"))]


class SchoolType(models.TextChoices):
    """The kinds of school the lists tell apart (``applies_to`` in the data file)."""

    MAINTAINED_LA = (
        "maintained_la",
        _(
            "Maintained school in England, admissions run by the council "
            "(community or voluntary controlled)"
        ),
    )
    MAINTAINED_OWN = (
        "maintained_own",
        _(
            "Maintained school in England that sets its own admissions "
            "(foundation or voluntary aided)"
        ),
    )
    ACADEMY = "academy", _("Academy or free school in England")
    WALES_MAINTAINED = "wales_maintained", _("Maintained school in Wales")


class Phase(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    ALL_THROUGH = "all_through", _("All-through (primary and secondary)")


class Cadence(models.TextChoices):
    DEADLINE = "deadline", _("By a date every year")
    ANNUAL = "annual", _("Every year")
    NEW_REPORT = "new_report", _("When a new report or plan is published")
    KEEP_CURRENT = "keep_current", _("Kept up to date")


class Basis(models.TextChoices):
    MUST = "must", _("Must publish")
    SHOULD = "should", _("Should publish")


class StatutoryRequirement(models.Model):
    """One item of a statutory list, as the last data release described it.

    Matched by ``key`` across releases: a rename keeps the old title in
    ``previous_title``; an item a release removes is kept with ``retired_in`` set, so
    a school's history of it stays readable.
    """

    key = models.SlugField(max_length=60, unique=True)
    statutory_list = models.CharField(max_length=20, choices=LISTS)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=400)
    applies_to = models.JSONField(default=list)
    phases = models.JSONField(default=list, blank=True)
    basis = models.CharField(max_length=10, choices=Basis.choices)
    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    deadline_month = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_day = models.PositiveSmallIntegerField(null=True, blank=True)
    web_page_required = models.BooleanField(default=False)
    source = models.TextField()
    release = models.CharField(max_length=20, help_text="The data release it came from")
    previous_title = models.CharField(max_length=400, blank=True)
    changed_in = models.CharField(max_length=20, blank=True)
    retired_in = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["statutory_list", "position"]

    def __str__(self) -> str:
        return self.title

    def applies(self, *, school_type: str, phase: str, sixth_form: bool) -> bool:
        """Whether a school of this kind must (or should) publish it."""
        if self.retired_in or school_type not in self.applies_to:
            return False
        if not self.phases:
            return True
        offered = {
            Phase.PRIMARY: {"primary"},
            Phase.SECONDARY: {"secondary"},
            Phase.ALL_THROUGH: {"primary", "secondary"},
        }.get(phase, set())
        if sixth_form:
            offered.add("sixth_form")
        return bool(offered.intersection(self.phases))


@register_setting(icon="list-ul")
class StatutorySettings(BaseSiteSetting):
    """Which statutory list applies to this school."""

    school_type = models.CharField(
        _("type of school"),
        max_length=30,
        choices=SchoolType.choices,
        blank=True,
        help_text=_("Decides which legal requirements the checklist shows."),
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PRIMARY
    )
    sixth_form = models.BooleanField(_("has a sixth form"), default=False)

    class Meta:
        verbose_name = _("statutory information settings")

    def applicable(self, requirements):
        """Those of ``requirements`` this school must or should meet."""
        return [
            requirement
            for requirement in requirements
            if requirement.applies(
                school_type=self.school_type,
                phase=self.phase,
                sixth_form=self.sixth_form,
            )
        ]


class StatutoryRecord(models.Model):
    """How one school meets one requirement: the link, its owner, its last review."""

    LINK_PAGE = "page"
    LINK_DOCUMENT = "document"

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="statutory_records"
    )
    requirement = models.ForeignKey(
        StatutoryRequirement, on_delete=models.PROTECT, related_name="records"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    section = models.SlugField(
        _("section of the page"),
        max_length=100,
        blank=True,
        help_text=_("The heading's anchor, when one section of the page meets it"),
    )
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: What was linked, so a deleted page or document is told from "never linked".
    linked = models.CharField(max_length=10, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    link_problem = models.CharField(max_length=300, blank=True)
    link_checked_at = models.DateTimeField(null=True, blank=True)
    #: The deadline or due date the owner was last reminded of (one email each).
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "requirement"], name="statutory_record_once_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement} ({self.site})"


class StatutoryInformationPage(LeanPageMixin, Page):
    """The public "Statutory information" page: one place for parents and inspectors.

    Its list is made from the school's checklist, in the order of the statutory
    list; items without a working public link are left out, never shown broken.
    """

    base_form_class = SchoolPageForm
    search_label = _("Page")

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    api_fields = [APIField("intro"), APIField("published_items")]

    class Meta:
        verbose_name = _("statutory information page")

    @property
    def published_items(self) -> list[dict]:
        """What the JSON API lists (URLs as the API gives every page's)."""
        return self.items_for()

    def items_for(self, request=None) -> list[dict]:
        """Each requirement met by a working public link, in the list's order."""
        from .checklist import school_checklist
        from .link_check import public_url

        site = self.get_site()
        if site is None:
            return []
        items = []
        checklist = school_checklist(site, today=timezone.localdate())
        for row in checklist.rows:
            url = public_url(row.record, request=request) if row.record else None
            if url:
                items.append({"title": row.requirement.title, "url": url})
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.items_for(request)
        return context
