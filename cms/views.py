"""Public views that are not Wagtail pages: site search and the term-dates list."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from .caching.view_restrictions import public_only
from .models import NewsPage, NoticePage, SocialMediaPage, StandardPage
from .pagination import paginate
from .search_text import clean_query, search_terms
from .selectors import term_dates_from

logger = logging.getLogger(__name__)

SEARCH_RESULTS_PER_PAGE = 10


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Wagtail search over the live, public news, notices and pages."""
    query = clean_query(request.GET.get("q"))
    terms = search_terms(query)
    results = None
    if terms:
        pages = (
            public_only(Page.objects.live(), request=request)
            .type(NewsPage, NoticePage, StandardPage, SocialMediaPage)
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
    return TemplateResponse(
        request, "cms/term_dates.html", {"term_dates": term_dates_from()}
    )
