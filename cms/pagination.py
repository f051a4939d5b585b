"""Forgiving pagination for public listings: a bad ``?page=`` never errors.

Parents follow old links and mistype; ``?page=0``, ``-1`` or ``abc`` show the first page
and ``?page=99999`` the last, rather than a 404 or a 500.
"""

from django.core.paginator import Page, Paginator


def page_number_from(value: str | None) -> int:
    """The page number asked for; 1 when ``value`` is missing, not a number or < 1."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return 1
    return max(number, 1)


def paginate(object_list, *, page: str | None, per_page: int) -> Page:
    """The requested page of ``object_list``, clamped to the pages that exist."""
    paginator = Paginator(object_list, per_page)
    number = min(page_number_from(page), paginator.num_pages)
    return paginator.page(number)
