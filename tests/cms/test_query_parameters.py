"""Every public view reads only the query parameters it declares (the page cache's key).

The page cache keys a public response on the parameters its view declares
(cms/caching/query_parameters.py) and hands the view nothing else. A view that read
an undeclared parameter would be served from the cache with another reader's answer
(or never see the parameter at all). So every public address and every page type is
requested with its declared parameters while ``request.GET`` records each name read.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import LocalePrefixPattern, get_resolver
from wagtail.models import Page, get_page_models

from cms.caching.query_parameters import declared_query_parameters
from cms.models import StatutoryInformationPage, TrustNoticePage, TrustNoticesPage
from tests.factories import NewsPageFactory, NoticePageFactory, StandardPageFactory

CACHE = "X-Page-Cache"
NOT_PUBLIC = ("admin/", "documents/", "api/")
SAMPLE_VALUES = {
    "page": "2",
    "q": "sports day",
    "p": "1",
    # Facebook's webhook handshake (publishing/inbox/webhooks.py)
    "hub.mode": "subscribe",
    "hub.verify_token": "sample-verify-token",
    "hub.challenge": "1158201444",
}


class RecordingQueryDict(QueryDict):
    """``request.GET`` that writes down every parameter name asked for."""

    def __init__(self, query_string=None, reads: set[str] | None = None, **kwargs):
        self.reads = reads if reads is not None else set()  # a copy records its own
        super().__init__(query_string, **kwargs)
        self.reads.clear()  # filling the dict is not the view reading it

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.reads.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.reads.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)


READS: set[str] = set()


def record_query_reads(get_response):
    """Middleware for these tests only: swap in the recording ``request.GET``."""

    def middleware(request):
        request.GET = RecordingQueryDict(request.GET.urlencode(), READS)
        return get_response(request)

    return middleware


@pytest.fixture
def recording_client(client, settings):
    settings.MIDDLEWARE = [
        f"{__name__}.record_query_reads",
        *settings.MIDDLEWARE,
    ]
    settings.PAGE_CACHE_ENABLED = False  # the view runs on every request
    settings.SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN = SAMPLE_VALUES["hub.verify_token"]
    return client


def reads_of(client, address: str) -> tuple[int, set[str], set[str]]:
    """Request ``address`` with its declared parameters; what the view read."""
    declared = {parameter.name for parameter in declared_query_parameters(address)}
    READS.clear()
    response = client.get(address, {name: SAMPLE_VALUES[name] for name in declared})
    return response.status_code, set(READS), declared


def public_addresses() -> list[str]:
    """Every public URL pattern without parameters, except Wagtail's page serving."""
    addresses = []
    patterns = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            patterns.extend(
                pattern.url_patterns
            )  # the public site (English: no prefix)
        else:
            patterns.append(pattern)
    for pattern in patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None or route.startswith(NOT_PUBLIC) or "<" in route:
            continue
        if hasattr(pattern, "url_patterns"):  # Wagtail's pages: by page type below
            continue
        addresses.append("/" + route)
    return addresses


def test_every_public_address_reads_only_what_it_declares(recording_client, school):
    addresses = public_addresses()
    assert {"/search/", "/term-dates/", "/feeds/news.xml", "/sitemap.xml"} <= set(
        addresses
    )
    undeclared = {}
    for address in addresses:
        status, reads, declared = reads_of(recording_client, address)
        assert status == 200, address
        if reads - declared:
            undeclared[address] = sorted(reads - declared)
    assert undeclared == {}


def test_the_recording_sees_what_the_search_reads(recording_client, school):
    """Control: the recording works, so an empty result above means something."""
    status, reads, declared = reads_of(recording_client, "/search/")
    assert status == 200
    assert reads == declared == {"q", "page"}


def statutory_page(home):
    page = StatutoryInformationPage(title="Statutory information", slug="statutory")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_every_page_type_reads_only_what_the_page_types_declare(
    recording_client, school
):
    pages = {
        type(school.home): school.home,
        type(school.news_index): school.news_index,
        type(school.notices): school.notices,
        type(school.social_media): school.social_media,
        **{
            type(page): page
            for page in (
                NewsPageFactory(parent=school.news_index),
                NoticePageFactory(parent=school.notices),
                StandardPageFactory(parent=school.home),
                statutory_page(school.home),
            )
        },
    }
    # A trust's folder and notices sit outside every school's tree: parents read a
    # trust notice at /trust-notices/<id>/ on their school's address, a view that
    # reads no query parameter.
    outside_schools = {TrustNoticesPage, TrustNoticePage}
    ours = {
        model
        for model in get_page_models()
        if model is not Page and model not in outside_schools
    }
    assert set(pages) == ours, "a new page type: add it here to check what it reads"

    undeclared = {}
    for model, page in pages.items():
        status, reads, declared = reads_of(recording_client, page.url)
        assert status == 200, model
        own = {parameter.name for parameter in getattr(model, "query_parameters", ())}
        if reads - own:
            undeclared[model.__name__] = sorted(reads - own)
        assert own <= declared  # the serving view's key keeps every page type's
    assert undeclared == {}


def test_declared_parameters_make_the_key_and_nothing_else(client, school):
    for number in range(12):
        NewsPageFactory(parent=school.news_index, title=f"Story {number:02d}")
    news = school.news_index.url
    assert client.get(news, {"page": "2"})[CACHE] == "miss"
    assert client.get(news, {"page": "2", "q": "x", "x": "1"})[CACHE] == "hit"
    assert client.get(news)[CACHE] == "miss"  # page 1: another answer

    # The home page reads no parameter: a search term does not split its entry.
    assert client.get(school.home.url)[CACHE] == "miss"
    assert client.get(school.home.url, {"q": "random"})[CACHE] == "hit"

    # The search reads both; Django's sitemap reads ``p``.
    assert client.get("/search/", {"q": "story"})[CACHE] == "miss"
    assert client.get("/search/", {"q": "other"})[CACHE] == "miss"
    assert client.get("/search/", {"q": "  story "})[CACHE] == "hit"
    assert client.get("/sitemap.xml")[CACHE] == "miss"
    assert client.get("/sitemap.xml", {"p": "1"})[CACHE] == "hit"
