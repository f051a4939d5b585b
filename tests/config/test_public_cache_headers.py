"""No cache we configure keeps a withdrawn photo or page for 5 s (issue 20, class 4).

Before: the shipped nginx config sent public copies with ``expires 1h`` (a browser,
proxy or CDN kept a withdrawn photo an hour after its file was gone) and pages with
``s-maxage=1, stale-while-revalidate=5`` (6 s in a shared cache).

Every public URL type is fetched through the shipped ``deploy/nginx.conf`` (a private
nginx on loopback, only its EDIT lines replaced) in front of the app, and the longest
any cache may keep the answer is worked out from its headers as a cache would.
"""

from __future__ import annotations

import math
import re
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.models import Site

from cms.models import SchoolDocument, SchoolImage
from moderation.consent.services import consent_record
from tests.documents import pdf_document
from tests.factories import (
    DocumentFactory,
    NewsPageFactory,
    TermDateFactory,
    learner_with_consent,
    tagged_image,
)
from tests.nginx_front import BASE_DIR, SHIPPED, get, shipped_nginx
from tests.school_site import build_school_site

PROMISE_SECONDS = 5


def longest_kept(headers) -> float:
    """The longest a browser or shared cache may show this answer after it changed.

    Freshness (``s-maxage`` for shared caches, ``max-age`` or ``Expires``), plus the
    time it may still be served stale while revalidating. Without any of them a
    cache may guess a lifetime from ``Last-Modified``: that counts as forever.
    """
    directives = {}
    for value in headers.get_all("Cache-Control") or []:
        for part in value.split(","):
            name, _, argument = part.strip().lower().partition("=")
            directives[name] = argument.strip('"')
    if "no-store" in directives:
        return 0
    if "stale-if-error" in directives:
        return math.inf  # kept while the app fails: a withdrawal could never show
    stale = float(directives.get("stale-while-revalidate") or 0)

    def lifetime(*names: str) -> float:
        for name in names:
            if name in directives:
                return float(directives[name] or 0)
        if headers.get("Expires"):
            expires = parsedate_to_datetime(headers["Expires"])
            return max(0.0, (expires - timezone.now()).total_seconds())
        return math.inf if headers.get("Last-Modified") else 0.0

    browser = 0.0 if "no-cache" in directives else lifetime("max-age") + stale
    shared = (
        0.0
        if {"private", "no-cache"} & set(directives)
        else lifetime("s-maxage", "max-age") + stale
    )
    return max(browser, shared)


@pytest.fixture
def school_behind_nginx(transactional_db, live_server):
    """A small school with a photo and a letter on a live news post, behind nginx."""
    site = Site.objects.get(is_default_site=True)
    school = build_school_site(site.root_page.specific)
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    photo = tagged_image(amy, title="Sports day")
    letter = DocumentFactory(
        title="Sports day letter",
        no_identifiable_learners=True,
        file__from_file=ContentFile(pdf_document(), name="letter.pdf"),
        file__filename="letter.pdf",
    )
    post = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        listing_image=photo,
        body=[
            ("image", {"image": photo, "caption": "On the field"}),
            ("document", {"document": letter, "title": "The letter"}),
        ],
        live=False,
    )
    post.save_revision().publish()
    TermDateFactory(title="Spring term begins")
    photo = SchoolImage.objects.get(pk=photo.pk)
    letter = SchoolDocument.objects.get(pk=letter.pk)
    assert photo.public_files and letter.public_files  # the control: they are public
    port = live_server.url.rsplit(":", 1)[1]
    with shipped_nginx(
        upstream_port=int(port),
        public_media_root=settings.PUBLIC_MEDIA_ROOT,
        static_root=BASE_DIR / "cms" / "static",
    ) as nginx_port:
        yield {
            "nginx": nginx_port,
            "amy": amy,
            "post": post,
            "photo": photo,
            "letter": letter,
        }


def public_copy_urls(item) -> list[str]:
    return [
        settings.PUBLIC_MEDIA_URL + copy["name"]
        for copy in item.public_files["files"].values()
    ]


def test_every_public_url_type_is_kept_by_no_cache_for_5_seconds(school_behind_nginx):
    school = school_behind_nginx
    post, photo, letter = school["post"], school["photo"], school["letter"]
    addresses = {
        "home page": "/",
        "news listing": "/news/",
        "news post": post.url,
        "notices": "/notices/",
        "term dates": "/term-dates/",
        "search": "/search/?q=sports",
        "API pages": "/api/v2/pages/",
        "API page": f"/api/v2/pages/{post.pk}/",
        "API images": "/api/v2/images/",
        "API documents": "/api/v2/documents/",
        "RSS feed": "/feeds/news.xml",
        "term-dates calendar": "/feeds/term-dates.ics",
        "sitemap": "/sitemap.xml",
        "robots.txt": "/robots.txt",
        "document link": letter.url,
        "public copy of the letter": public_copy_urls(letter)[0],
        **{
            f"public copy of the photo {n}": url
            for n, url in enumerate(public_copy_urls(photo))
        },
    }
    kept = {}
    for what, path in addresses.items():
        # Twice: the second answer is nginx's stored one, where it keeps any.
        for _ in range(2):
            status, headers, _body = get(school["nginx"], path)
            assert status in (200, 302), (what, path, status)
            kept[what] = max(kept.get(what, 0), longest_kept(headers))
    too_long = {what: seconds for what, seconds in kept.items() if seconds >= 5}
    assert too_long == {}
    # Pages, feeds and the API: 1 s fresh, 1 s more while refreshing.
    assert kept["news post"] == kept["API pages"] == kept["RSS feed"] == 2


def test_a_withdrawn_photo_is_gone_from_nginx_at_once_and_revalidation_is_cheap(
    school_behind_nginx,
):
    school = school_behind_nginx
    url = public_copy_urls(school["photo"])[0]
    status, headers, body = get(school["nginx"], url)
    assert status == 200 and body
    # A browser or CDN asks again with what it has: nothing but headers comes back.
    for validator, header in (
        ("If-None-Match", "ETag"),
        ("If-Modified-Since", "Last-Modified"),
    ):
        again = get(school["nginx"], url, {validator: headers[header]})
        assert (again[0], again[2]) == (304, b"")

    consent_record(
        learner=school["amy"],
        use="website",
        given=False,
        given_on=timezone.localdate(),
        recorded_by="Office",
    )
    for copy in [url, *public_copy_urls(school["photo"])[1:]]:
        assert get(school["nginx"], copy)[0] == 404
        revalidated = get(school["nginx"], copy, {"If-None-Match": headers["ETag"]})
        assert revalidated[0] == 404


def test_nginx_serves_a_stale_page_only_as_long_as_the_app_allows():
    """``proxy_cache_use_stale updating`` serves stale pages for as long as a
    refresh takes, without limit; ``error``/``timeout`` while the app is down."""
    config = re.sub(r"#.*", "", SHIPPED.read_text())
    assert "proxy_cache_use_stale" not in config
    assert "expires" not in config.split("location /media/public/")[1].split("}")[0]
