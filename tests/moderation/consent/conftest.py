"""Fixtures for the consent tests: a news section to publish into."""

import pytest

from tests.factories import NewsIndexPageFactory


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page)
