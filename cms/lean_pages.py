"""Page behaviour that keeps a page view to a handful of queries (snow-day budgets).

Wagtail's default routing reads each URL segment's page twice (the base row, then its
specific row) and ``get_view_restrictions`` reads two tables per view. On a site
whose sections hold one page type each, the child can be read in one query, and the
restrictions come from the per-generation snapshot (``caching.view_restrictions``).
"""

from __future__ import annotations

from django.http import Http404
from wagtail.models import Page, PageViewRestriction

from .caching.view_restrictions import restrictions_for_page


class LeanPageMixin:
    """Route in one query per segment and check view restrictions without a query.

    A section whose children are all of one type overrides ``routable_children`` to
    return them as that type, with what their templates show loaded alongside.
    """

    def routable_children(self):
        """The children as one specific type, or None when they are of mixed types."""
        return None

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        subpage = None
        children = self.routable_children()
        if children is not None:
            subpage = children.filter(slug=slug).first()
        if subpage is None:
            try:
                child = self.get_children().get(slug=slug)
            except Page.DoesNotExist as error:
                raise Http404 from error
            # A section only routes on: its own fields are not needed.
            subpage = child.specific_deferred if remaining else child.specific
        subpage._cached_parent_obj = self  # treebeard's get_parent() reads it
        return subpage.route(request, remaining)

    def get_view_restrictions(self):
        """The same queryset as Wagtail's, already filled from the snapshot.

        Iterating it (the serve hook) reads no table; the admin's privacy views chain
        ``order_by()``, which clones it into a fresh query as usual.
        """
        restrictions = restrictions_for_page(self)
        if restrictions is None:
            return super().get_view_restrictions()
        queryset = PageViewRestriction.objects.filter(
            pk__in=[restriction.pk for restriction in restrictions]
        )
        queryset._result_cache = list(restrictions)
        return queryset
