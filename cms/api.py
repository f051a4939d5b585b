"""The public, read-only headless API (Wagtail API v2) for apps and signage.

Wagtail's own filters turn most bad query strings into a 400 with a message; the
classes below close the gaps that were still 500s: a filter value the field cannot hold
(``?date=2026-13-45``), search text the backend reads as syntax (``?search="``) or an
unknown ``search_operator``, an ``offset`` too large for the database
(``?offset=99999999999999999999999``) and a ``find/?id=`` that is not a number.
"""

import re

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
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from .search_text import clean_query, search_terms

SEARCH_OPERATORS = ("and", "or")
#: The largest offset any database here can hold in a query (a signed 64-bit integer,
#: less the largest page); nothing the site publishes comes near it.
MAX_OFFSET = 2**63 - 1 - 1000
WHOLE_NUMBER = re.compile(r"[0-9]+")


class BoundedPagination(WagtailPagination):
    """Wagtail's ``offset``/``limit`` paging; an offset beyond any table is a 400.

    Wagtail checks that the offset is a whole number but not its size: a 20-digit
    offset reaches the database driver, which cannot hold it (OverflowError, a 500).
    """

    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0").strip()
        if WHOLE_NUMBER.fullmatch(offset) and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class CheckedFindMixin:
    """``find/?id=`` answers 400 for an id that is not a whole number (was a 500)."""

    pagination_class = BoundedPagination

    def find_object(self, queryset, request):
        if "id" in request.GET:
            raw = request.GET["id"].strip()
            if not WHOLE_NUMBER.fullmatch(raw) or int(raw) > MAX_OFFSET:
                raise BadRequestError("id must be a positive whole number")
        return super().find_object(queryset, request)


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


class SchoolPagesAPIViewSet(CheckedFindMixin, PagesAPIViewSet):
    """Live, public pages (Wagtail's rules), with the checked filters."""

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


def _publishable_only(queryset):
    """Only media that say who is in them and whose consent stands (C1, C2).

    Filtered by id so that a search can still run over the result: the search
    backends accept only indexed fields in a search's filters, and ``id`` is one.
    """
    publishable = queryset.model.objects.publishable().values("pk")
    return queryset.filter(id__in=publishable)


def _without_original(fields: list[str]) -> list[str]:
    return [name for name in fields if name != "download_url"]


class SchoolImagesAPIViewSet(CheckedFindMixin, ImagesAPIViewSet):
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


class SchoolDocumentsAPIViewSet(CheckedFindMixin, DocumentsAPIViewSet):
    """Only documents that say who is in them and whose consent stands (C1, C2)."""

    filter_backends = [CheckedFieldsFilter, OrderingFilter, WordsSearchFilter]

    def get_queryset(self):
        return _publishable_only(super().get_queryset())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SchoolPagesAPIViewSet)
api_router.register_endpoint("images", SchoolImagesAPIViewSet)
api_router.register_endpoint("documents", SchoolDocumentsAPIViewSet)
