"""What a web process reads once per content generation: the site, the chrome, the
restrictions. Kept while nothing public changes, read again as soon as something does.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from cms.caching.generation import content_changed
from cms.caching.generation_memo import GenerationMemo
from tests.factories import StandardPageFactory


@pytest.fixture
def uncached_pages(settings):
    settings.PAGE_CACHE_ENABLED = False


def _tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_the_site_is_looked_up_once_per_content_change(client, school, uncached_pages):
    client.get(school.home.url)

    assert "wagtailcore_site" not in _tables_read(client, school.news_index.url)

    content_changed(reason="a page was published")
    assert "wagtailcore_site" in _tables_read(client, school.news_index.url)


def test_renaming_the_school_shows_on_the_next_page(client, school):
    assert "Meadowbank" in client.get(school.news_index.url).content.decode()
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Brook Lane Primary School"
    site.save()

    html = client.get(school.news_index.url).content.decode()

    assert f"&copy; {timezone.localdate().year} Brook Lane Primary School" in html


def test_a_new_menu_page_shows_in_every_header_at_once(client, school):
    client.get(school.home.url)
    StandardPageFactory(parent=school.home, title="Uniform", show_in_menus=True)

    assert ">Uniform</a>" in client.get(school.news_index.url).content.decode()


def test_an_unknown_host_gets_the_default_site(client, school, uncached_pages):
    for host in ("school.example", "another.example:8080", "[::1]"):
        response = client.get(school.news_index.url, HTTP_HOST=host)
        assert response.status_code == 200, host
        assert school.news_index.title in response.content.decode()


def test_made_up_host_names_do_not_grow_a_process(db):
    memo = GenerationMemo(size=16)
    for number in range(500):
        memo.get(f"host-{number}.example", lambda: object())

    assert len(memo._values) == 16


def test_a_value_is_built_once_until_the_content_changes(db):
    memo = GenerationMemo()
    built = []

    def build():
        built.append(1)
        return len(built)

    assert memo.get("chrome", build) == 1
    assert memo.get("chrome", build) == 1
    content_changed(reason="a notice was pinned")
    assert memo.get("chrome", build) == 2


def test_a_host_name_the_school_does_not_use_is_refused(client, school, settings):
    settings.ALLOWED_HOSTS = ["school.example"]

    for number in range(40):
        assert client.get("/", HTTP_HOST=f"x{number}.example").status_code == 400
    response = client.get(school.news_index.url, HTTP_HOST="school.example")

    assert response.status_code == 200
    assert school.news_index.title in response.content.decode()
