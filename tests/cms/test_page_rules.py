"""Where each page type may be created: the tree stays the shape the site expects."""

import pytest

from cms.models import (
    NewsIndexPage,
    NewsPage,
    NoticeIndexPage,
    NoticePage,
    SocialMediaPage,
    StandardPage,
)
from home.models import HomePage


@pytest.mark.parametrize(
    ("page_type", "parent_type", "allowed"),
    [
        (NewsPage, NewsIndexPage, True),
        (NewsPage, HomePage, False),
        (NewsPage, NoticeIndexPage, False),
        (NewsPage, StandardPage, False),
        (NoticePage, NoticeIndexPage, True),
        (NoticePage, HomePage, False),
        (NoticePage, NewsIndexPage, False),
        (NewsIndexPage, HomePage, True),
        (NewsIndexPage, StandardPage, False),
        (NoticeIndexPage, HomePage, True),
        (StandardPage, HomePage, True),
        (StandardPage, StandardPage, True),
        (StandardPage, NewsIndexPage, False),
        (SocialMediaPage, HomePage, True),
        (SocialMediaPage, StandardPage, False),
    ],
)
def test_page_type_may_exist_only_under_its_parents(
    db, page_type, parent_type, allowed
):
    assert page_type.can_exist_under(parent_type()) is allowed


def test_a_news_page_cannot_be_created_under_the_home_page(school):
    assert not NewsPage.can_create_at(school.home)
    assert NewsPage.can_create_at(school.news_index)


def test_a_notice_page_can_be_created_only_under_the_notice_index(school):
    assert NoticePage.can_create_at(school.notices)
    assert not NoticePage.can_create_at(school.home)
    assert not NoticePage.can_create_at(school.news_index)


def test_one_news_index_and_one_social_media_page_per_site(school):
    assert not NewsIndexPage.can_create_at(school.home)
    assert not NoticeIndexPage.can_create_at(school.home)
    assert not SocialMediaPage.can_create_at(school.home)
    assert StandardPage.can_create_at(school.home)
