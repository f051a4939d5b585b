"""A school that publishes only in English sees no change."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from tests.i18n.conftest import publish_translation

pytestmark = pytest.mark.django_db


def test_no_switcher_and_no_alternates(client, school):
    page = client.get("/").content.decode()

    assert '<html lang="en-GB">' in page
    assert "language-switcher" not in page
    assert "hreflang" not in page
    assert "Latest news" in page


def test_welsh_addresses_do_not_exist(client, school):
    response = client.get("/cy/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_stray_welsh_copy_stays_unpublished_to_parents(client, school):
    """Even a Welsh page made by mistake is not served by an English-only school."""
    welsh = Locale.objects.create(language_code="cy")
    publish_translation(school.home, welsh, title="Hafan")

    assert client.get("/cy/").status_code == 404
    assert "Hafan" not in client.get("/").content.decode()


def test_the_home_page_costs_what_it_did(client, school, django_assert_num_queries):
    """The language machinery reads nothing for an English-only school: a warm
    home page is answered from the cache without a query."""
    client.get("/")

    with django_assert_num_queries(0):
        assert client.get("/")["X-Page-Cache"] == "hit"


def test_an_uncached_page_view_never_asks_which_language(client, school, settings):
    """Routing an English page costs no language look-up (Wagtail's own would)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    client.get(school.news_index.url)  # per-generation reads made

    with CaptureQueriesContext(connection) as queries:
        response = client.get(school.news_index.url)

    assert response.status_code == 200
    assert not [q for q in queries if "wagtailcore_locale" in q["sql"]]
