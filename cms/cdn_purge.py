"""Tell a CDN in front of the site to forget removed public copies at once (issue 20).

Without a CDN nothing is needed: nginx serves the public copies from disk (a removed
file is a 404 at once) and keeps pages 2 s at most. A CDN honouring our
``Cache-Control`` keeps a public copy 1 s and a page 2 s; one told to keep things
longer (an "edge TTL" override) would keep a withdrawn photo that long. So when a
CDN is configured (``WAGTAILFRONTENDCACHE``, from the ``CDN_PURGE_*`` environment
variables; off by default), every public copy removed from the public storage is
purged from it, with the pages that used it, through Wagtail's
``wagtail.contrib.frontend_cache``.

The purge runs in the worker (``cms.jobs.cdn_purge``), enqueued when the removal
commits: Wagtail's backends wait for the CDN's answer, and a slow CDN must not hold
up a consent withdrawal. If Redis cannot take the job the purge runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import django_rq
from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from redis.exceptions import RedisError
from wagtail.contrib.frontend_cache.utils import PurgeBatch, purge_urls_from_cache
from wagtail.models import Page, ReferenceIndex, Site

logger = logging.getLogger(__name__)

PUBLIC_STORAGE = "public_media"
JOB_FUNCTION = "cms.jobs.cdn_purge"


def cdn_configured() -> bool:
    """Whether a CDN (or other purgeable cache) is configured to be told."""
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def public_copies_purge(*, names: Iterable[str], item=None) -> None:
    """Once the transaction commits, purge these public copies (and ``item``'s pages).

    Args:
        names: storage names of the removed copies in the ``public_media`` storage.
        item: the image or document they were copies of: the live pages using it
            are purged too, so none keeps showing it.
    """
    names = list(names)
    if not names or not cdn_configured():
        return
    urls = [*_public_urls(names), *(_page_urls(item) if item is not None else [])]
    transaction.on_commit(lambda: _enqueue(urls))


def trust_notice_purge(*, notice) -> None:
    """Once the change commits, purge where a trust's notice shows on each school.

    Its band is on every page of each chosen school; the CDN keeps pages 2 s at
    most, so purging each school's home page and the notice's own address there
    (what parents and the social posts open) is what cannot wait those 2 s.
    """
    if not cdn_configured():
        return
    urls = [
        url
        for site in notice.schools.all()
        for url in (site.root_url + "/", notice.url_on_site(site))
    ]
    if urls:
        transaction.on_commit(lambda: _enqueue(urls))


def cdn_urls_purge(*, urls: list[str]) -> None:
    """Purge ``urls`` from every configured CDN (the worker's job calls this)."""
    purge_urls_from_cache(urls)
    logger.info(
        "Asked the CDN to forget %d address(es)",
        len(urls),
        extra={"event": "cdn.purged", "count": len(urls)},
    )


def _enqueue(urls: list[str]) -> None:
    try:
        django_rq.get_queue("default").enqueue(JOB_FUNCTION, urls=urls)
    except RedisError:
        # Not lost: purged here and now instead, slower for this one request.
        logger.warning(
            "Could not reach Redis to queue a CDN purge; purging now",
            extra={"event": "cdn.purge_inline"},
        )
        cdn_urls_purge(urls=urls)


def _public_urls(names: list[str]) -> list[str]:
    """Absolute addresses: a CDN is told which host's copy to forget."""
    storage = storages[PUBLIC_STORAGE]
    relative = [storage.url(name) for name in names]
    if all(urlsplit(url).scheme for url in relative):
        return relative
    roots = [site.root_url for site in Site.objects.all()]
    return [
        url if urlsplit(url).scheme else urljoin(root + "/", url.lstrip("/"))
        for url in relative
        for root in roots
    ]


def _page_urls(item) -> list[str]:
    """The live pages that use ``item`` and the listings above them."""
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = {
        int(pk)
        for pk in ReferenceIndex.get_references_to(item)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    batch = PurgeBatch()
    for page in Page.objects.live().filter(pk__in=page_ids):
        batch.add_page(page)
        batch.add_pages(page.get_ancestors().live().filter(depth__gt=1))
    return sorted(batch.urls)
