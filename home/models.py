"""The home page: pinned notices first, then the latest news and upcoming dates."""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.models import NewsPage, NoticePage, TermDate

LATEST_NEWS_COUNT = 6
UPCOMING_DATES_COUNT = 6


class HomePage(Page):
    welcome = RichTextField(blank=True, features=["bold", "italic", "link"])
    office_phone = models.CharField(max_length=40, blank=True)
    office_email = models.EmailField(blank=True)
    address = models.TextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("welcome"),
        FieldPanel("office_phone"),
        FieldPanel("office_email"),
        FieldPanel("address"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.NoticeIndexPage",
        "cms.StandardPage",
        "cms.SocialMediaPage",
    ]
    max_count = 1
    api_fields = [APIField("welcome")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self)
            .select_related("listing_image").order_by("-date", "-first_published_at")
            [:LATEST_NEWS_COUNT]
        )  # fmt: skip
        context["current_notices"] = (
            NoticePage.objects.live().public().descendant_of(self).current()
            .order_by("-pinned", "-valid_from", "-first_published_at")
        )  # fmt: skip
        context["upcoming_dates"] = TermDate.objects.filter(
            models.Q(ends_on__gte=today) | models.Q(starts_on__gte=today)
        )[:UPCOMING_DATES_COUNT]
        return context
