"""A small school website built with the factories, shared by the cms and home tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cms.models import NewsIndexPage, NoticeIndexPage, NoticePage, SocialMediaPage
from home.models import HomePage
from tests.factories import (
    NewsIndexPageFactory,
    NoticeIndexPageFactory,
    NoticePageFactory,
    SocialMediaPageFactory,
)


@dataclass
class SchoolSite:
    home: HomePage
    news_index: NewsIndexPage
    notices: NoticeIndexPage
    social_media: SocialMediaPage


def build_school_site(home: HomePage) -> SchoolSite:
    """Home with office details, news and notice indexes and "Our social media"."""
    home.title = "Meadowbank Primary School"
    home.office_phone = "01234 567 890"
    home.office_email = "office@meadowbank.school.example"
    home.address = "School Lane\nMeadowbank"
    home.save_revision().publish()
    site = home.get_site()
    site.site_name = "Meadowbank Primary School"
    site.save()
    return SchoolSite(
        home=home,
        news_index=NewsIndexPageFactory(parent=home, slug="news", show_in_menus=True),
        notices=NoticeIndexPageFactory(parent=home, slug="notices", show_in_menus=True),
        social_media=SocialMediaPageFactory(
            parent=home, slug="our-social-media", show_in_menus=True
        ),
    )


def pinned_notice(notices: NoticeIndexPage, title: str, **fields) -> NoticePage:
    """A pinned notice in force from yesterday for a week."""
    now = timezone.now()
    defaults = {
        "valid_from": now - datetime.timedelta(days=1),
        "valid_until": now + datetime.timedelta(days=7),
        "kind": NoticePage.Kind.CLOSURE,
    }
    return NoticePageFactory(
        parent=notices, title=title, pinned=True, **{**defaults, **fields}
    )
