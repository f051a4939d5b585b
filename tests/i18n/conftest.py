"""A bilingual school (Welsh first), an English-only one, the catalogue compiled."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from wagtail.models import Locale, Page

from cms.languages import SchoolLanguages
from cms.models import NewsIndexPage, NewsPage
from config.compile_messages import compile_catalogues
from home.models import HomePage
from tests.factories import NewsPageFactory
from tests.school_site import SchoolSite, build_school_site


@pytest.fixture(scope="session", autouse=True)
def welsh_catalogue_compiled():
    """What `make test` does first: the Welsh strings compiled from locale/cy."""
    compile_catalogues()


def publish_translation(page: Page, locale: Locale, **fields) -> Page:
    """Copy ``page`` into ``locale`` (Wagtail's "Translate"), write it, publish it."""
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


@dataclass
class BilingualSchool:
    english: SchoolSite
    welsh_home: HomePage
    welsh_news_index: NewsIndexPage
    english_story: NewsPage
    welsh_story: NewsPage
    welsh: Locale


def make_bilingual(site, **fields) -> SchoolLanguages:
    return SchoolLanguages.objects.create(
        site=site,
        languages=SchoolLanguages.Choice.WELSH_AND_ENGLISH,
        welsh_name="Ysgol Gynradd Glan-y-Ddôl",
        **fields,
    )


@pytest.fixture
def school(home_page) -> SchoolSite:
    return build_school_site(home_page)


@pytest.fixture
def bilingual(school) -> BilingualSchool:
    make_bilingual(school.home.get_site())
    welsh = Locale.objects.get(language_code="cy")
    welsh_home = publish_translation(
        school.home, welsh, title="Ysgol Gynradd Glan-y-Ddôl"
    )
    welsh_news_index = publish_translation(
        school.news_index, welsh, title="Newyddion", slug="newyddion"
    )
    english_story = NewsPageFactory(
        parent=school.news_index, title="Sports day", slug="sports-day"
    )
    welsh_story = publish_translation(
        english_story,
        welsh,
        title="Diwrnod mabolgampau",
        slug="diwrnod-mabolgampau",
        summary="Ras yr wy a'r llwy.",
    )
    return BilingualSchool(
        english=school,
        welsh_home=welsh_home.specific,
        welsh_news_index=welsh_news_index.specific,
        english_story=english_story,
        welsh_story=welsh_story.specific,
        welsh=welsh,
    )
