"""The home page: pinned notices first, then the latest news and upcoming dates."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.lean_pages import LeanPageMixin
from cms.models import NewsIndexPage, NoticeIndexPage
from cms.selectors import news_for_listing, notices_in_force, term_dates_from

LATEST_NEWS_COUNT = 6
UPCOMING_DATES_COUNT = 6


def _content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


class HomePage(LeanPageMixin, Page):
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
        context["latest_news"] = news_for_listing(within=self)[:LATEST_NEWS_COUNT]
        # Pinned notices are in the band at the top of every page; list the others.
        context["current_notices"] = notices_in_force(within=self).filter(pinned=False)
        context["upcoming_dates"] = term_dates_from()[:UPCOMING_DATES_COUNT]
        # Both section links in one query; a plain Page is enough for {% pageurl %}.
        sections = {
            page.content_type_id: page
            for page in reversed(
                self.get_children().live().type(NewsIndexPage, NoticeIndexPage)
            )
        }
        context["news_index"] = sections.get(_content_type_id(NewsIndexPage))
        context["notice_index"] = sections.get(_content_type_id(NoticeIndexPage))
        return context
