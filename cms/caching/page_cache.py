"""The full-page cache for anonymous readers: pages, feeds and API GETs.

Why our own middleware rather than wagtail-cache: wagtail-cache 3.0 requires
Wagtail < 8; it clears by ``cache.clear()`` (a FLUSHDB of the Redis the job queues
share); it keeps every unknown query parameter in the key (``?x=random`` fills the
cache); and it adds no ``ETag``. Django's own cache middleware keys on ``Vary: Cookie``.
This one is small and follows the rules of the issue:

- only GET and HEAD from readers without a session cookie (staff always see fresh
  pages), and never the admin, documents, static or media;
- the key is the scheme, host, path and a *normalised* query string: tracking
  parameters are dropped; on the public pages only the parameters the view declares
  it reads are kept, each in its normal form (cms/caching/query_parameters.py), and
  the view sees the same normalised query, so what is cached is exactly what the key
  says; the API keeps its parameters, sorted;
- a response is stored only if it is a 200 that sets no cookie, uses no CSRF token,
  is not private and varies on nothing but cookies;
- every entry belongs to the current content generation, so any content change
  (publish, unpublish, expiry, consent withdrawal, banner) retires all of them;
- anonymous responses carry ``ETag``, ``Last-Modified`` and a ``Cache-Control`` that
  lets nginx or a CDN keep them for ``PAGE_CACHE_SHARED_MAX_AGE`` seconds (and as long
  again while refreshing: ``public_cache_control``); they do
  not carry ``Vary: Cookie`` (no session or CSRF token is involved), and conditional
  requests get a 304.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date

from ..feed_negotiation import feed_page_wanted
from .generation import ContentGeneration, content_generation
from .query_parameters import declared_query_parameters

logger = logging.getLogger(__name__)

CACHE_STATUS_HEADER = "X-Page-Cache"
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/")
API_PATH_PREFIX = "/api/"
MAX_QUERY_STRING_LENGTH = 1_000  # longer API queries are answered, not stored
TRACKING_PARAMETER = re.compile(
    r"^(utm_.*|fbclid|gclid|gclsrc|dclid|msclkid|mc_.*|_ga|_gl|mtm_.*|matomo_.*"
    r"|pk_.*|hsa_.*|_hs.*|yclid|igshid|twclid|ref|ref_src)$",
    re.IGNORECASE,
)
# "Vary" is kept: a hit of a negotiated answer (the feed, the API) must still tell
# caches in front of this one that it depends on Accept (Cookie is dropped on hits).
STORED_HEADERS_EXCLUDED = {"set-cookie", "date", CACHE_STATUS_HEADER.lower()}
UNVARYING = {"cookie", "accept-encoding"}
FEEDS_PATH_PREFIX = "/feeds/"
# The API (JSON or its browsable HTML) and the feeds (a browser gets a readable page)
# negotiate on Accept between two answers: which one is in their key.
ACCEPT_NEGOTIATED_PREFIXES = (API_PATH_PREFIX, FEEDS_PATH_PREFIX)
NEGOTIATED_UNVARYING = UNVARYING | {"accept"}
CONDITIONAL_REQUEST_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


@dataclass(frozen=True)
class CachedPage:
    """What is kept of a response: enough to answer again, byte for byte."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str
    last_modified: int

    @cached_property
    def plain_hit_headers(self) -> list[tuple[str, str]]:
        """A hit's headers when the request asks nothing conditional: worked out once
        per process and entry, the same as ``_finish`` makes them."""
        response = _from_entry(self)
        _add_caching_headers(response, entry=self, status="hit")
        return list(response.items())


class RecentPages:
    """The pages this process served last, in front of the shared cache.

    Keys carry the content generation, so an entry here is exactly as fresh as the
    shared one; bounded, so a worker's memory stays flat however many addresses are
    asked for.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: CachedPage) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


RECENT_PAGES = RecentPages(size=256)


def _setting(name: str, default):
    return getattr(settings, name, default)


def normalised_query(*, path: str, query: QueryDict) -> str | None:
    """The query string that identifies the response, or None: do not store it."""
    if path.startswith(API_PATH_PREFIX):
        kept = sorted(
            (key, value)
            for key, values in query.lists()
            if not TRACKING_PARAMETER.match(key)
            for value in values
        )
        encoded = urlencode(kept)
        return encoded if len(encoded) <= MAX_QUERY_STRING_LENGTH else None
    kept = []
    for parameter in declared_query_parameters(path):
        value = parameter.normalise(query.get(parameter.name, ""))
        if value:
            kept.append((parameter.name, value))
    return urlencode(kept)


def request_is_cacheable(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD of a public address: no session cookie, not the admin."""
    if request.method not in ("GET", "HEAD"):
        return False
    if not _setting("PAGE_CACHE_ENABLED", True):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not request.path.startswith(SKIPPED_PATH_PREFIXES)


def _vary_headers(response: HttpResponse) -> set[str]:
    if not response.has_header("Vary"):
        return set()
    return {item.strip().lower() for item in cc_delim_re.split(response["Vary"])}


def response_is_cacheable(response: HttpResponse, *, negotiated: bool = False) -> bool:
    """A 200 for everyone: no cookie set, not private, varies on nothing we key on."""
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store"))
        and "no-cache" not in cache_control
        and _vary_headers(response)
        <= (NEGOTIATED_UNVARYING if negotiated else UNVARYING)
    )


def _drop_vary_cookie(response: HttpResponse) -> None:
    """Anonymous readers have no session: the response is the same whatever cookies."""
    remaining = [
        item.strip()
        for item in cc_delim_re.split(response.get("Vary", ""))
        if item.strip() and item.strip().lower() != "cookie"
    ]
    if remaining:
        response["Vary"] = ", ".join(remaining)
    elif response.has_header("Vary"):
        del response["Vary"]


def public_cache_control() -> str:
    """The ``Cache-Control`` of every public page, feed and API answer (issue 20).

    Browsers revalidate every time (a 304 costs nothing); a shared cache keeps a copy
    ``PAGE_CACHE_SHARED_MAX_AGE`` seconds and may serve it that long again while one
    request refreshes it. So a shared cache shows a change (a withdrawal) at most
    twice that late: 2 s by default, under the 5 s the school is promised
    (``checks.py`` refuses settings that break it).
    """
    shared = int(_setting("PAGE_CACHE_SHARED_MAX_AGE", 1))
    return (
        f"public, max-age=0, must-revalidate, s-maxage={shared}, "
        f"stale-while-revalidate={shared}"
    )


def _public_cache_control(response: HttpResponse) -> None:
    response["Cache-Control"] = public_cache_control()


def _cache_key(request: HttpRequest, *, query: str, token: str) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # Django answers 400 on its own; nothing to store
    address = f"{request.scheme}://{host}{request.path}?{query}"
    if request.path.startswith(FEEDS_PATH_PREFIX):
        # The same test the feed answers by, so each variant is keyed as served.
        address += " html" if feed_page_wanted(request) else " feed"
    elif request.path.startswith(API_PATH_PREFIX):
        wants_html = "text/html" in request.headers.get("Accept", "")
        address += " html" if wants_html else " json"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"page-cache:{token}:{digest}"


def _from_entry(entry: CachedPage) -> HttpResponse:
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    return response


def _add_caching_headers(
    response: HttpResponse, *, entry: CachedPage, status: str
) -> None:
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified)
    _public_cache_control(response)
    _drop_vary_cookie(response)
    response[CACHE_STATUS_HEADER] = status


def _finish(
    request: HttpRequest, response: HttpResponse, *, entry: CachedPage, status: str
) -> HttpResponse:
    """Validators, caching headers and the 304/HEAD answers, hit or miss."""
    _add_caching_headers(response, entry=entry, status=status)
    conditional = get_conditional_response(
        request,
        etag=entry.etag,
        last_modified=entry.last_modified,
        response=response,
    )
    if conditional is not response:
        conditional[CACHE_STATUS_HEADER] = status
        return conditional
    if request.method == "HEAD":
        response.content = b""
        response["Content-Length"] = str(len(entry.content))
    return response


def _entry_for(response: HttpResponse, *, generation: ContentGeneration) -> CachedPage:
    content = response.content
    headers = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in STORED_HEADERS_EXCLUDED
    )
    return CachedPage(
        status=response.status_code,
        headers=headers,
        content=content,
        etag='"' + hashlib.sha256(content).hexdigest()[:40] + '"',
        last_modified=generation.changed_at,
    )


@dataclass(frozen=True)
class Lookup:
    """A request the page cache answers for, and what it holds for it (if anything)."""

    key: str
    generation: ContentGeneration
    now: datetime
    entry: CachedPage | None


def page_lookup(request: HttpRequest) -> Lookup | None:
    """The cache's entry for ``request``; None when the cache does not serve it.

    Normalises the request's query string in place for the public pages, so that a
    view rendering it on a miss sees exactly what the key says.
    """
    if not request_is_cacheable(request):
        return None
    query = normalised_query(path=request.path, query=request.GET)
    if query is None:
        return None
    if not request.path.startswith(API_PATH_PREFIX):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
    now = timezone.now()
    generation = content_generation(request=request, now=now)
    key = _cache_key(request, query=query, token=generation.token)
    if key is None:
        return None
    entry = RECENT_PAGES.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            RECENT_PAGES.put(key, entry)
    return Lookup(key=key, generation=generation, now=now, entry=entry)


def _store(lookup: Lookup, response: HttpResponse) -> CachedPage:
    entry = _entry_for(response, generation=lookup.generation)
    timeout = int(_setting("PAGE_CACHE_SECONDS", 600))
    left = lookup.generation.seconds_left(now=lookup.now)
    if left is not None:
        timeout = min(timeout, int(left))
    if timeout > 0:
        cache.set(lookup.key, entry, timeout)
        RECENT_PAGES.put(lookup.key, entry)
    return entry


class AnonymousPageCacheMiddleware:
    """First in ``MIDDLEWARE``: a hit is answered before sessions or auth are read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            lookup = page_lookup(request)
        except Exception:  # noqa: BLE001 (a failing cache must not fail the page)
            logger.warning(
                "Page cache unavailable", exc_info=True, extra={"event": "page_cache"}
            )
            lookup = None
        if lookup is None:
            return self._uncached(request)
        if lookup.entry is not None:
            return _finish(
                request, _from_entry(lookup.entry), entry=lookup.entry, status="hit"
            )
        response = self.get_response(request)
        negotiated = request.path.startswith(ACCEPT_NEGOTIATED_PREFIXES)
        if not response_is_cacheable(response, negotiated=negotiated):
            return response
        try:
            entry = _store(lookup, response)
        except Exception:  # noqa: BLE001 (the page is answered; only storing failed)
            logger.warning(
                "Page cache unavailable", exc_info=True, extra={"event": "page_cache"}
            )
            return response
        return _finish(request, response, entry=entry, status="miss")

    def _uncached(self, request: HttpRequest) -> HttpResponse:
        """Staff and other uncached responses: no shared cache may keep them."""
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and not request.path.startswith(
            ("/static/", "/media/")
        ):
            patch_cache_control(response, private=True, no_cache=True)
        return response


class PageCacheApplication:
    """A WSGI wrapper that answers stored pages before Django's handler runs.

    A hit through the middleware still pays for Django's request handling, signals
    and middleware chain, about four fifths of its cost; here it pays only for the
    lookup. Everything else (every miss, every signed-in request) goes to Django,
    where the middleware stores what this serves. Same keys, same rules.
    """

    def __init__(self, application) -> None:
        self.application = application

    def __call__(self, environ, start_response):
        try:
            request = WSGIRequest(environ)
            lookup = page_lookup(request)
            entry = lookup.entry if lookup is not None else None
            if entry is None:
                response = None
            elif request.method == "GET" and not any(
                name in environ for name in CONDITIONAL_REQUEST_HEADERS
            ):
                # Most of a snow-day burst: the stored page as it is, no 304 to weigh.
                # A copy of the headers: a WSGI server may add to the list it is given.
                status = f"{entry.status} {HTTPStatus(entry.status).phrase}"
                start_response(status, list(entry.plain_hit_headers))
                return [entry.content]
            else:
                response = _finish(
                    request, _from_entry(entry), entry=entry, status="hit"
                )
        except Exception:  # noqa: BLE001 (Django answers; its middleware logs)
            response = None
        if response is None:
            return self.application(environ, start_response)
        start_response(
            f"{response.status_code} {response.reason_phrase}", list(response.items())
        )
        return [response.content]
