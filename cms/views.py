"""Public views that are not Wagtail pages: site search and the term-dates list."""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from .models import NewsPage, NoticePage, SocialMediaPage, StandardPage
from .pagination import paginate
from .selectors import term_dates_from

logger = logging.getLogger(__name__)

SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+")


def clean_query(raw: str | None) -> str:
    """The search text a parent meant: control characters dropped, spaces squeezed.

    Control characters (NUL among them, which PostgreSQL refuses in a query) never
    reach the search backend; overlong queries are cut to MAX_QUERY_LENGTH.
    """
    text = "".join(
        " " if unicodedata.category(character).startswith("C") else character
        for character in (raw or "")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_terms(query: str) -> str:
    """Only the words of ``query``: quotes, brackets and operators are dropped.

    The search backends read some punctuation as query syntax (an unpaired quote is
    an SQLite full-text error), and a parent never means it as such.
    """
    return " ".join(WORD.findall(query))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Wagtail search over the live, public news, notices and pages."""
    query = clean_query(request.GET.get("q"))
    terms = search_terms(query)
    results = None
    if terms:
        pages = (
            Page.objects.live().public()
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
