"""Page view restrictions, read once per content generation instead of per query.

Wagtail's ``PageQuerySet.public()`` and ``Page.get_view_restrictions()`` each read the
``PageViewRestriction`` table, several times on every page. Restrictions change only
through the admin, which starts a new content generation (``signal_handlers``), so
the list is kept in process memory for the current generation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from wagtail.models import Page, PageViewRestriction

from .generation_memo import GenerationMemo


@dataclass(frozen=True)
class RestrictionsSnapshot:
    restrictions: tuple[PageViewRestriction, ...]
    any_aliases: bool  # aliases take their source's restrictions: Wagtail's own lookup


_memo = GenerationMemo(size=1)


def _read_snapshot() -> RestrictionsSnapshot:
    return RestrictionsSnapshot(
        restrictions=tuple(PageViewRestriction.objects.select_related("page")),
        any_aliases=Page.objects.filter(alias_of__isnull=False).exists(),
    )


def _restrictions_snapshot(*, request: HttpRequest | None) -> RestrictionsSnapshot:
    return _memo.get("snapshot", _read_snapshot, request=request)


def view_restrictions(
    *, request: HttpRequest | None = None
) -> tuple[PageViewRestriction, ...]:
    """Every page view restriction on the site (login, password, groups)."""
    return _restrictions_snapshot(request=request).restrictions


def restrictions_for_page(page: Page, *, request: HttpRequest | None = None):
    """The restrictions on ``page`` and its ancestors, or None if Wagtail must look.

    None when aliases exist: an alias takes its source page's restrictions, which
    Wagtail's own ``get_view_restrictions`` resolves.
    """
    snapshot = _restrictions_snapshot(request=request)
    if snapshot.any_aliases:
        return None
    return [
        restriction
        for restriction in snapshot.restrictions
        if page.path.startswith(restriction.page.path)
    ]


def public_only(queryset, *, request: HttpRequest | None = None):
    """``queryset.public()`` without reading the restrictions table again."""
    for restriction in view_restrictions(request=request):
        queryset = queryset.exclude(path__startswith=restriction.page.path)
    return queryset
