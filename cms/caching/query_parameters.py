"""The query parameters each public view reads, declared beside the view.

The page cache keys a public response on its path and the query parameters its view
reads, and nothing else: ``?x=random`` must not fill the cache, and a parameter the
view reads must be in the key, or one reader's answer is served to another. So each
public view says what it reads, and the cache builds its key from that:

- a function view or feed: ``@reads_query(LISTING_PAGE)`` (or a ``query_parameters``
  attribute on a class-based one);
- a Wagtail page type: ``query_parameters = (LISTING_PAGE,)`` on the model; Wagtail's
  one serving view answers for every page type, so its key keeps what any page type
  reads.

Each parameter also says how its value is normalised (``?page=0`` is page 1; a
search's spacing does not matter), and the view sees the normalised query, so what is
cached is exactly what the key says. tests/cms/test_query_parameters.py requests every
public address and page type and fails on a read of an undeclared parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import Resolver404, resolve

from ..pagination import page_number_from

MAX_PAGE_NUMBER = 10_000  # beyond every real listing: ?page=99999 shows the last page
MAX_SEARCH_LENGTH = 200  # the search box's maxlength


@dataclass(frozen=True)
class QueryParameter:
    """One query parameter a public view reads, and its value's normal form.

    ``normalise`` returns "" when the value means the same as no value at all (page
    1, an empty search), so those share the key of the address without it.
    """

    name: str
    normalise: Callable[[str], str]


def _page_number(value: str) -> str:
    page = min(page_number_from(value), MAX_PAGE_NUMBER)
    return str(page) if page > 1 else ""


def _search_text(value: str) -> str:
    return " ".join(value.split())[:MAX_SEARCH_LENGTH]


#: ``?page=`` of a paginated listing (news, search results, the sitemap).
LISTING_PAGE = QueryParameter("page", _page_number)
#: ``?q=`` of the site search.
SEARCH_TEXT = QueryParameter("q", _search_text)
#: ``?p=``: Django's sitemap view numbers its pages with ``p``.
SITEMAP_PAGE = QueryParameter("p", _page_number)


def reads_query(*parameters: QueryParameter) -> Callable:
    """Declare the query parameters a public function view reads (see module doc)."""

    def declare(view: Callable) -> Callable:
        @functools.wraps(view)
        def declared_view(*args, **kwargs):
            return view(*args, **kwargs)

        declared_view.query_parameters = parameters
        return declared_view

    return declare


@functools.cache
def page_types_query_parameters() -> tuple[QueryParameter, ...]:
    """What Wagtail's serving view may read: every page type's declarations."""
    from wagtail.models import get_page_models

    declared: dict[str, QueryParameter] = {}
    for model in get_page_models():
        for parameter in getattr(model, "query_parameters", ()):
            declared.setdefault(parameter.name, parameter)
    return tuple(declared[name] for name in sorted(declared))


@functools.lru_cache(maxsize=2048)
def declared_query_parameters(path: str) -> tuple[QueryParameter, ...]:
    """The parameters the view at ``path`` declares; none for an unknown address.

    Remembered per path (bounded): the page cache asks on every request, before
    Django's handler runs.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return ()
    if match.url_name == "wagtail_serve":
        return page_types_query_parameters()
    return tuple(getattr(match.func, "query_parameters", ()))
