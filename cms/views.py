"""Views that are not Wagtail pages: search, term dates, trust notices, staff media."""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import urlencode

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
)
from django.template.response import TemplateResponse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from schools.current import school_for_request

from .caching.query_parameters import LISTING_PAGE, SEARCH_TEXT, reads_query
from .caching.view_restrictions import public_only
from .models import (
    NewsPage,
    NoticePage,
    SocialMediaPage,
    StandardPage,
    TrustNoticePage,
)
from .pagination import paginate
from .search_text import clean_query, search_terms
from .selectors import term_dates_from
from .staff_view import staff_view

logger = logging.getLogger(__name__)

#: Folders of the private storage the admin shows pictures from (documents go
#: through Wagtail's own /documents/ view).
PRIVATE_IMAGE_FOLDERS = ("images/", "original_images/")

SEARCH_RESULTS_PER_PAGE = 10


@require_GET
@reads_query(SEARCH_TEXT, LISTING_PAGE)
def search(request: HttpRequest) -> HttpResponse:
    """Wagtail search over the live, public news, notices and pages."""
    query = clean_query(request.GET.get("q"))
    terms = search_terms(query)
    results = None
    if terms:
        site = school_for_request(request)
        if site is None:
            raise Http404
        pages = (
            public_only(Page.objects.live(), request=request)
            .descendant_of(site.root_page.localized, inclusive=True)
            .type(NewsPage, NoticePage, StandardPage, SocialMediaPage)
            .filter(locale=Locale.get_active())  # the reader's language only
            .specific()
        )  # fmt: skip
        results = paginate(
            pages.search(terms, operator="and"),
            page=request.GET.get("page"),
            per_page=SEARCH_RESULTS_PER_PAGE,
        )
        logger.info(
            "Site search",
            extra={"event": "site_search", "result_count": results.paginator.count},
        )
    return TemplateResponse(
        request,
        "cms/search.html",
        {
            "search_query": query,
            "results": results,
            "pagination_query": urlencode({"q": query}) + "&",
        },
    )


@require_GET
def term_dates(request: HttpRequest) -> HttpResponse:
    """Every term date still to come, for parents planning ahead."""
    site = school_for_request(request)
    if site is None:
        raise Http404
    return TemplateResponse(
        request, "cms/term_dates.html", {"term_dates": term_dates_from(site=site)}
    )


@require_GET
def private_media(request: HttpRequest, name: str) -> HttpResponse:
    """An original or rendition from private storage, for staff in the admin only.

    Mounted under ``/admin/`` so the two-factor gate runs first; this view then
    refuses anyone without admin access. Every other visitor sees public copies.
    The browser revalidates every time (a 304 while the file is unchanged), so a
    withdrawn photo, whose files are removed, is not kept even on a staff screen.
    """
    if not staff_view(request) or not name.startswith(PRIVATE_IMAGE_FOLDERS):
        raise Http404
    try:
        modified = int(default_storage.get_modified_time(name).timestamp())
        handle = None
        if not _unchanged_since(request, modified):
            handle = default_storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation, OSError) as error:
        raise Http404 from error
    if handle is None:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(
            handle,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, no-cache"
    return response


def _unchanged_since(request: HttpRequest, modified: int) -> bool:
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and since >= modified


@require_GET
def trust_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A trust's notice, on the website of each school it was chosen for.

    The trust's notices have no page in any school's tree; each chosen school shows
    the notice at this address on its own website, where its band and its social
    posts link (P2). Any other school's website answers "not found".
    """
    site = school_for_request(request)
    notice = (
        TrustNoticePage.objects.live().filter(pk=notice_id, schools=site).first()
        if site is not None
        else None
    )
    if notice is None:
        raise Http404
    return TemplateResponse(request, "cms/trust_notice_page.html", {"page": notice})
