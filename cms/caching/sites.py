"""Which Wagtail site a request is for, worked out once per host and content generation.

Wagtail reads the sites table on every request (``Site.find_for_request``) and the
sites' root paths from Redis on every request that builds a page link. Sites change
only through the admin, which starts a new content generation, so both are kept in
process memory and handed to Wagtail on the request, where it looks for them first.
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from .generation_memo import GenerationMemo

_sites = GenerationMemo(size=16)  # the school's host names and ports
_root_paths = GenerationMemo(size=1)


def _site_for_host(hostname: str, port: int) -> Site | None:
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    # The root as its own type (the home page): Wagtail routes every page view
    # through ``site.root_page.localized``, which the home page answers without a
    # query when the reader's language is its own (home.models.HomePage.localized).
    site.root_page = site.root_page.specific
    return site


def site_for_request(request: HttpRequest) -> Site | None:
    """The site Wagtail would find for ``request`` (its own rules), without a query.

    Only host names in ALLOWED_HOSTS are kept (Django answers the others with a 400),
    so made-up Host headers cannot crowd the school's own out of the memo.
    """
    hostname = split_domain_port(request._get_raw_host())[0]  # as Wagtail reads it
    port = request.get_port()
    try:
        request.get_host()
    except DisallowedHost:
        return _site_for_host(hostname, port)
    return _sites.get(
        (hostname, port), lambda: _site_for_host(hostname, port), request=request
    )


class SiteLookupMiddleware:
    """Give Wagtail the request's site and the root paths before it looks them up.

    ``Site.find_for_request`` and ``Page.get_url`` keep what they find on the request
    under these attribute names, and read them from there first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request._wagtail_site = site_for_request(request)
        request._wagtail_cached_site_root_paths = _root_paths.get(
            "all", Site.get_site_root_paths, request=request
        )
        return self.get_response(request)
