"""Shared fixtures: the default site's home page and a real Redis."""

import django_rq
import pytest
from django.core.cache import caches
from wagtail.models import Site

from home.models import HomePage
from tests.fakes.fixtures import (  # noqa: F401  (shared fixtures)
    facebook_emulator,
    x_emulator,
)


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


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches (pages, chrome, content generation).

    The database is rolled back after every test; the local-memory caches are not,
    and a page cached by one test must not be served to the next.
    """
    for cache in caches.all():
        cache.clear()
