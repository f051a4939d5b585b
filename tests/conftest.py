"""Shared fixtures: the default site's home page and a real Redis."""

import django_rq
import pytest
from django.core.cache import cache
from wagtail.models import Site

from home.models import HomePage
from tests.fakes.fixtures import (  # noqa: F401  (shared fixtures)
    facebook_emulator,
    x_emulator,
)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache. Wagtail caches renditions by image id,
    and ids are reused after a test's rollback: a cached rendition of an earlier
    test's picture must never stand in for this test's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db) -> HomePage:
    """The HomePage that migrations make the default site's root."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def redis_connection():
    """The real Redis the queues use (embedded or REDIS_URL), emptied around a test."""
    connection = django_rq.get_connection("default")
    connection.flushdb()
    yield connection
    connection.flushdb()
