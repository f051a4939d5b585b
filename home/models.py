"""The home page: pinned notices first, then the latest news and upcoming dates."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.lean_pages import LeanPageMixin


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
        "cms.StatutoryInformationPage",
    ]
    max_count = 1
    api_fields = [APIField("welcome")]

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_listings  # selectors import this module

        context = super().get_context(request, *args, **kwargs)
        listings = home_listings(home=self, request=request)
        context["latest_news"] = listings.latest_news
        context["current_notices"] = listings.current_notices
        context["upcoming_dates"] = listings.upcoming_dates
        context["news_index"] = listings.news_index
        context["notice_index"] = listings.notice_index
        return context
