"""The public, read-only headless API (Wagtail API v2) for apps and signage.

Wagtail's own filters turn most bad query strings into a 400 with a message; the two
below close the gaps that were still 500s: a filter value the field cannot hold
(``?date=2026-13-45``) and search text the backend reads as syntax (``?search="``)
or an unknown ``search_operator``.
"""

from django.core.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    FieldsFilter,
    LocaleFilter,
    OrderingFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from .caching.view_restrictions import view_restrictions
from .models import NewsPage
from .search_text import clean_query, search_terms

SEARCH_OPERATORS = ("and", "or")


class CheckedFieldsFilter(FieldsFilter):
    """Field filters; a value the field cannot hold is a 400 that says why."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as error:
            raise BadRequestError(
                "field filter error. " + " ".join(error.messages)
            ) from error


class WordsSearchFilter(BaseFilterBackend):
    """``?search=`` over the words only, as on the site's search page.

    Replaces Wagtail's ``SearchFilter``, which hands the raw text to the backend (an
    unpaired quote is an SQLite full-text error) and lets an unknown
    ``search_operator`` through as a ``ValueError``. Text with no words finds nothing.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        operator = request.GET.get("search_operator") or None
        if operator not in (None, *SEARCH_OPERATORS):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError(
                "filtering by tag with a search query is not supported"
            )
        terms = search_terms(clean_query(request.GET["search"]))
        if not terms:
            return queryset.none()
        try:
            return get_search_backend().search(
                terms,
                queryset,
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except FilterFieldError as error:
            raise BadRequestError(
                f"cannot filter by '{error.field_name}' while searching"
            ) from error
        except OrderByFieldError as error:
            raise BadRequestError(
                f"cannot order by '{error.field_name}' while searching"
            ) from error


def _public_pages(request):
    """Wagtail's ``get_public_pages_queryset`` with the restrictions from the snapshot.

    The same rules: live pages of the requested site (``?site=`` or the request's),
    minus every section whose restriction this request does not pass.
    """
    queryset = Page.objects.live()
    for restriction in view_restrictions(request=request):
        if not restriction.accept_request(request):
            queryset = queryset.exclude(path__startswith=restriction.page.path)
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if site is None:
        return queryset.none()
    return queryset.descendant_of(site.root_page, inclusive=True)


class SchoolPagesAPIViewSet(PagesAPIViewSet):
    """Live, public pages (Wagtail's rules), with the checked filters.

    Lean: view restrictions come from the per-generation snapshot, the base queryset
    is built once per request (Wagtail builds it up to three times), and news
    listings load their listing images, renditions and categories in three queries,
    not one or more per item.
    """

    filter_backends = [
        CheckedFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        LocaleFilter,
        WordsSearchFilter,  # last: search results cannot be filtered further
    ]

    def get_base_queryset(self):
        if not hasattr(self, "_public_pages"):
            try:
                self._public_pages = _public_pages(self.request)
            except ValueError as error:
                raise BadRequestError(str(error)) from error
        return self._public_pages

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is NewsPage:
            queryset = queryset.select_related("listing_image").prefetch_related(
                "listing_image__renditions", "categories"
            )
        return queryset


def _publishable_only(queryset):
    """Only media that say who is in them and whose consent stands (C1, C2).

    Filtered by id so that a search can still run over the result: the search
    backends accept only indexed fields in a search's filters, and ``id`` is one.
    """
    publishable = queryset.model.objects.publishable().values("pk")
    return queryset.filter(id__in=publishable)


def _without_original(fields: list[str]) -> list[str]:
    return [name for name in fields if name != "download_url"]


class SchoolImagesAPIViewSet(ImagesAPIViewSet):
    """Only images that say who is in them and whose consent stands (C1, C2).

    Renditions only, never the uploaded original (Wagtail's ``download_url``): an
    original keeps its camera metadata (where and when it was taken) and the parts
    of the picture that the editor cropped out.
    """

    filter_backends = [CheckedFieldsFilter, OrderingFilter, WordsSearchFilter]
    meta_fields = _without_original(ImagesAPIViewSet.meta_fields)
    listing_default_fields = _without_original(ImagesAPIViewSet.listing_default_fields)
    nested_default_fields = _without_original(ImagesAPIViewSet.nested_default_fields)

    def get_queryset(self):
        return _publishable_only(super().get_queryset())


class SchoolDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Only documents that say who is in them and whose consent stands (C1, C2)."""

    filter_backends = [CheckedFieldsFilter, OrderingFilter, WordsSearchFilter]

    def get_queryset(self):
        return _publishable_only(super().get_queryset())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SchoolPagesAPIViewSet)
api_router.register_endpoint("images", SchoolImagesAPIViewSet)
api_router.register_endpoint("documents", SchoolDocumentsAPIViewSet)
