"""The isolation matrix (issue 23 item 5): every kind of record the admin shows, for
every role, across two schools.

A member of staff of Alderley, in any role, never sees Bramblewood's record: not in a
listing, a search, a chooser, nor at its typed address (a 403 or 404, never a 500);
the JSON API at Alderley's address never serves Bramblewood's pages. Each check has
its positive control: the right role *at Bramblewood* does see the same record at the
same address, so a check that shows nothing because it looks at the wrong place fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from moderation.roles import (
    ALL_ROLES,
    EDITORS,
    SAFEGUARDING,
    SCHOOL_OFFICE,
    SENIOR_LEADERSHIP,
)
from tests.factories import staff
from tests.schools.conftest import SCHOOL_B_HOST, SchoolRecords
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Kind:
    """One kind of record: where the admin lists, finds and opens it."""

    name: str
    attr: str
    listing: str  # URL name of the listing (or search, or chooser)
    typed: tuple[str, ...]  # URL names taking the record's id
    seer: str  # a role that sees such a record at its own school
    search: bool = True  # the listing takes ?q=

    def marker(self, records: SchoolRecords) -> str:
        record = getattr(records, self.attr)
        if self.attr == "incident":
            return reverse("incidents:detail", args=[record.pk])
        return {
            "news": f"{records.tag} sports day",
            "image": f"{records.tag} picture",
            "document": f"{records.tag} letter",
            "learner": f"{records.tag}learner",
            "account": f"{records.tag} account",
            "delivery": f"{records.tag} delivery",
            "blocked": f"@{records.tag}blocked",
            "term_date": f"{records.tag} open evening",
        }[self.attr]

    def listing_url(self, records: SchoolRecords) -> str:
        url = reverse(self.listing)
        if self.attr == "incident":
            return url + "?show=all"
        if self.search:
            return url + "?" + urlencode({"q": records.tag})
        return url


KINDS = (
    Kind(
        "page search",
        "news",
        "wagtailadmin_pages:search",
        ("wagtailadmin_pages:edit", "wagtailadmin_explore"),
        EDITORS,
    ),
    Kind("page chooser", "news", "wagtailadmin_choose_page_search", (), EDITORS),
    Kind(
        "image listing",
        "image",
        "wagtailimages:index",
        ("wagtailimages:edit",),
        EDITORS,
    ),
    Kind("image chooser", "image", "wagtailimages_chooser:choose", (), EDITORS),
    Kind(
        "document listing",
        "document",
        "wagtaildocs:index",
        ("wagtaildocs:edit",),
        EDITORS,
    ),
    Kind("document chooser", "document", "wagtaildocs_chooser:choose", (), EDITORS),
    Kind(
        "consent register",
        "learner",
        "learners:index",
        ("learners:edit", "learners:inspect", "learners:record_consent"),
        SAFEGUARDING,
    ),
    Kind(
        "social accounts",
        "account",
        "publishing_accounts:index",
        ("publishing_accounts:edit", "publishing_account_detail"),
        SENIOR_LEADERSHIP,
    ),
    Kind(
        "deliveries",
        "delivery",
        "publishing_deliveries:index",
        ("publishing_delivery_detail",),
        SENIOR_LEADERSHIP,
    ),
    Kind(
        "incidents",
        "incident",
        "incidents:index",
        ("incidents:detail",),
        SENIOR_LEADERSHIP,
        search=False,
    ),
    Kind(
        "blocked accounts",
        "blocked",
        "blocked_accounts:index",
        ("blocked_accounts:edit", "blocked_accounts:inspect"),
        SENIOR_LEADERSHIP,
    ),
    Kind(
        "term dates",
        "term_date",
        "wagtailsnippets_cms_termdate:list",
        ("wagtailsnippets_cms_termdate:edit",),
        SCHOOL_OFFICE,
        search=False,
    ),
)


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def typed_urls(kind: Kind, records: SchoolRecords) -> list[str]:
    record = getattr(records, kind.attr)
    return [reverse(name, args=[record.pk]) for name in kind.typed]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_staff_of_one_school_never_see_another_schools_records(two_schools, kind, role):
    client = signed_in(staff("alderley-staff", role, site=two_schools.a.site))
    other = kind.marker(two_schools.b)

    listing = client.get(kind.listing_url(two_schools.b))

    assert listing.status_code < 500
    assert other not in listing.content.decode()
    for url in typed_urls(kind, two_schools.b):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert other not in response.content.decode(), url


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_positive_control_the_schools_own_staff_see_the_same_record(two_schools, kind):
    client = signed_in(staff("bramblewood-staff", kind.seer, site=two_schools.b.site))

    listing = client.get(kind.listing_url(two_schools.b))

    assert kind.marker(two_schools.b) in listing.content.decode()
    for url in typed_urls(kind, two_schools.b):
        assert client.get(url).status_code == 200, url


def test_the_api_at_one_schools_address_serves_only_its_pages(two_schools):
    client = Client(HTTP_HOST=two_schools.a.site.hostname)
    url = "/api/v2/pages/?" + urlencode({"type": "cms.NewsPage", "fields": "title"})

    at_a = client.get(url).json()
    at_b = client.get(url, HTTP_HOST=SCHOOL_B_HOST).json()

    titles_a = {item["title"] for item in at_a["items"]}
    titles_b = {item["title"] for item in at_b["items"]}
    assert titles_a == {"Alderley sports day"}
    assert titles_b == {"Bramblewood sports day"}
    other = two_schools.b.news.pk
    assert client.get(f"/api/v2/pages/{other}/").status_code == 404
    assert (
        client.get(f"/api/v2/pages/{other}/", HTTP_HOST=SCHOOL_B_HOST).status_code
        == 200
    )


def test_the_api_refuses_to_serve_another_school_by_name(two_schools):
    client = Client(HTTP_HOST=two_schools.a.site.hostname)
    response = client.get(f"/api/v2/pages/?site={SCHOOL_B_HOST}")

    assert response.status_code == 400
    assert "Bramblewood" not in response.content.decode()


def test_search_and_feeds_at_one_schools_address_show_only_its_news(two_schools):
    client = Client(HTTP_HOST=two_schools.a.site.hostname)

    search = client.get("/search/?q=sports").content.decode()
    feed = client.get("/feeds/news.xml", HTTP_ACCEPT="application/rss+xml")
    dates = client.get("/term-dates/").content.decode()

    assert "Alderley sports day" in search
    assert "Bramblewood sports day" not in search
    assert "Bramblewood sports day" not in feed.content.decode()
    assert "Alderley open evening" in dates
    assert "Bramblewood open evening" not in dates
    b_dates = client.get("/term-dates/", HTTP_HOST=SCHOOL_B_HOST).content.decode()
    assert "Bramblewood open evening" in b_dates
