"""The home page: pinned notices first, then the latest news and upcoming dates."""

from django.db import models
from django.utils import translation
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.languages import locale_code
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
    # No max_count: each school's site has its own home page (a new school's is
    # added at the root, where only the installation's administrators add pages).
    api_fields = [APIField("welcome")]

    @property
    def localized(self):
        """This home page when it is already in the reader's language, with no query.

        Wagtail routes every page view through the site root's ``localized``, which
        looks the active language's locale up in the database each time: for an
        English-only school (every request English) that answer is always "itself".
        """
        if locale_code(self.locale_id) == translation.get_language():
            return self
        return super().localized

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
