"""Tell a CDN in front of the site to forget what changed, on every change (issue 23).

Without a CDN nothing is needed: nginx serves the public copies itself (a removed one
is a 404 at once) and keeps pages 2 s at most. A CDN honouring our ``Cache-Control``
keeps a public copy 1 s and a page 2 s; one told to keep things longer (an "edge
TTL" override) would keep a withdrawn photo or an expired page that long. So when a
CDN is configured (``WAGTAILFRONTENDCACHE``, from the ``CDN_PURGE_*`` environment
variables; off by default) it is told to forget:

- a page and the listings above it when the page is published, unpublished (by
  hand, on expiry, on a takedown), moved, renamed or deleted;
- every public copy removed from the public storage (consent withdrawal, takedown,
  a page no longer showing it) with the pages that used it;
- the old addresses of a redirect that is added, changed or removed.

Wagtail's backends do the talking (``cms.cdn_backends``). Wagtail's own handlers,
which purge inside the request and only log a failure, are not installed
(``wagtail.contrib.frontend_cache`` is not an installed app). Each purge is kept as a
``MediaRemoval`` in the same transaction as the change, done by a worker job when it
commits, retried with a growing wait until the CDN confirms it, and shown to staff
meanwhile (``cms.media_removals``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import storages
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, ReferenceIndex, Site

from .media_removals import MediaRemoval, item_school, removal_record, site_of_url

logger = logging.getLogger(__name__)

PUBLIC_STORAGE = "public_media"


def cdn_configured() -> bool:
    """Whether a CDN (or other purgeable cache) is configured to be told."""
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def cdn_purge_request(*, urls: Iterable[str], school: Site | None = None) -> None:
    """Keep a purge of ``urls`` and have a worker do it on commit.

    Args:
        urls: every address to forget; all are purged, whoever's they are.
        school: the school whose content changed, when the caller knows it (a
            picture's school: its copy has an address at every school's host);
            otherwise each address goes to the school whose host it names. An
            address no school can be told for is purged all the same, kept as a
            removal of no school (administrators see it) and logged, never put
            down to a school it may not be.
    """
    if not cdn_configured():
        return
    by_site: dict[int | None, tuple[Site | None, list[str]]] = {}
    for url in sorted(set(urls)):
        site = school or site_of_url(url)
        by_site.setdefault(site and site.pk, (site, []))[1].append(url)
    for site, site_urls in by_site.values():
        removal_record(kind=MediaRemoval.Kind.CDN, targets=site_urls, site=site)


def public_copies_purge(*, names: Iterable[str], item=None) -> None:
    """Purge these removed public copies (and the pages using ``item``) on commit.

    Args:
        names: storage names of the removed copies in the ``public_media`` storage.
        item: the image or document they were copies of: the live pages using it
            are purged too, so none keeps showing it.
    """
    names = list(names)
    if not names or not cdn_configured():
        return
    cdn_purge_request(
        urls=[*_public_urls(names), *(_page_urls(item) if item is not None else [])],
        school=item_school(item),
    )


def pages_purge(*, pages: Iterable[Page]) -> None:
    """Purge these pages and the live listings above them (they changed)."""
    if not cdn_configured():
        return
    batch = PurgeBatch()
    for page in pages:
        batch.add_page(page)
        batch.add_pages(page.get_ancestors().live().filter(depth__gt=1))
    cdn_purge_request(urls=batch.urls)


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
    cdn_purge_request(urls=urls)


def cdn_urls_purge(*, urls: list[str]) -> None:
    """Purge ``urls`` from every configured CDN; raises ``CdnPurgeFailed``.

    Called by the worker's job (``cms.media_removals``), never inside a request.
    """
    backends = get_backends()
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc].append(url)
    for host, host_urls in by_host.items():
        for backend in backends.values():
            if backend.invalidates_hostname(host):
                backend.purge_batch(host_urls)
    logger.info(
        "Asked the CDN to forget %d address(es)",
        len(urls),
        extra={"event": "cdn.purged", "count": len(urls)},
    )


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


# --- Every change to what the public sees --------------------------------------------


def _on_page_changed(sender, instance, **kwargs) -> None:
    pages_purge(pages=[instance])


def _on_page_deleting(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) and instance.live:
        pages_purge(pages=[instance])


def _on_redirect_changed(sender, instance, **kwargs) -> None:
    if cdn_configured():
        cdn_purge_request(urls=instance.old_links())


def register() -> None:
    """Connect the receivers (from ``CmsConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save, pre_delete
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
    )

    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (page_slug_changed, "slug"),
        (post_page_move, "moved"),
    ):
        signal.connect(_on_page_changed, dispatch_uid=f"cms.cdn_purge.{name}")
    pre_delete.connect(_on_page_deleting, dispatch_uid="cms.cdn_purge.deleting")
    for signal in (post_save, post_delete):
        signal.connect(
            _on_redirect_changed,
            sender=Redirect,
            dispatch_uid=f"cms.cdn_purge.redirect.{signal is post_save}",
        )
