"""The public, read-only headless API (Wagtail API v2) for apps and signage.

Wagtail's own filters turn most bad query strings into a 400 with a message; the
classes below close the gaps that were still 500s: a filter value the field cannot hold
(``?date=2026-13-45``), search text the backend reads as syntax (``?search="``) or an
unknown ``search_operator``, an ``offset`` too large for the database
(``?offset=99999999999999999999999``) and a ``find/?id=`` that is not a number.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from rest_framework.fields import Field
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
from wagtail.api.v2.serializers import BaseSerializer, PageLocaleField, PageSerializer
from wagtail.api.v2.utils import BadRequestError, get_full_url
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.api.v2.serializers import ImageSerializer
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from schools.current import school_for_request

from .caching.view_restrictions import view_restrictions
from .languages import language_plan, locale_code
from .models import NewsPage, NoticePage, TrustNoticePage
from .public_media import public_document_url
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


def _public_pages(request):
    """Wagtail's ``get_public_pages_queryset`` with the restrictions from the snapshot.

    The same rules: live pages of the school the request's host name names, minus
    every section whose restriction this request does not pass, plus the trust's
    notices chosen for that school (they live outside every school's tree). Each
    school's API is its own: ``?site=`` may only name the school asked (another
    school's pages are served at that school's own address).
    """
    queryset = Page.objects.live()
    for restriction in view_restrictions(request=request):
        if not restriction.accept_request(request):
            queryset = queryset.exclude(path__startswith=restriction.page.path)
    site = school_for_request(request)
    if site is None:
        return queryset.none()
    named = request.GET.get("site")
    if named is not None:
        asked = SiteFilterValidator(site=named, request=request).site_obj
        if asked is None or asked.pk != site.pk:
            raise ValueError("site: this address serves only its own school's pages")
    plan = language_plan(site, request=request)
    # The school's own pages, and the trust's notices chosen for it.
    trust_notices = Q(
        pk__in=TrustNoticePage.objects.live().filter(schools=site).values("pk")
    )
    if not plan.bilingual:
        return queryset.filter(Q(path__startswith=site.root_page.path) | trust_notices)
    roots = site.root_page.get_translations(inclusive=True).filter(
        locale__language_code__in=plan.codes
    )
    within = Q()
    for root_path in roots.values_list("path", flat=True):
        within |= Q(path__startswith=root_path)
    return queryset.filter(within | trust_notices)


class SchoolLocaleFilter(LocaleFilter):
    """``?locale=cy``: one language's pages; a language the school does not publish
    in is a 400 that names the ones it does, not an empty 404."""

    def filter_queryset(self, request, queryset, view):
        if "locale" not in request.GET:
            return queryset
        site = SiteFilterValidator(site=request.GET.get("site"), request=request)
        plan = language_plan(site.site_obj, request=request)
        asked = request.GET["locale"]
        try:
            code = get_supported_content_language_variant(asked)
        except LookupError:
            code = None
        if code not in plan.codes:
            raise BadRequestError(
                f"locale {asked!r} is not a language this school publishes in: "
                f"use {' or '.join(plan.codes)}"
            )
        filtered = getattr(queryset, "_filtered_by_child_of", None)
        queryset = queryset.filter(locale__language_code=code)
        if filtered:
            queryset._filtered_by_child_of = filtered
        return queryset


class LocaleCodeField(PageLocaleField):
    """``meta.locale`` ("en-gb", "cy") without a query per page."""

    def to_representation(self, page):
        return locale_code(page.locale_id)


class SchoolPageSerializer(PageSerializer):
    locale = LocaleCodeField(read_only=True)


class SchoolPagesAPIViewSet(CheckedFindMixin, PagesAPIViewSet):
    """Live, public pages (Wagtail's rules), with the checked filters.

    Lean: view restrictions come from the per-generation snapshot, the base queryset
    is built once per request (Wagtail builds it up to three times), and news
    listings load their listing images in the same query (the public copies are read
    from the image row) and their categories in one more, not one per item.
    """

    base_serializer_class = SchoolPageSerializer
    filter_backends = [
        CheckedFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        SchoolLocaleFilter,
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
        """News with its listing image in one query; notices urgent first.

        Notices come urgent and closures first, then pinned, unless ``order`` is set:
        a school app showing the first notice must show the snow closure, not the
        holiday notice published a week earlier.
        """
        queryset = super().get_queryset()
        if issubclass(queryset.model, NewsPage):
            queryset = queryset.select_related("listing_image").prefetch_related(
                "categories"
            )
        if queryset.model is NoticePage and "order" not in self.request.GET:
            queryset = queryset.by_priority()
        return queryset


def _public_only(model, *, request):
    """The school's items with public copies whose consent clears them today (C1, C2,
    issue 9); the school is the one the request's host name names.

    Filtered by id so that a search can still run over the result: the search
    backends accept only indexed fields in a search's filters, and ``id`` is one.
    """
    site = school_for_request(request)
    if site is None:
        return model.objects.none()
    public = model.objects.public().filter(collection__school__site=site)
    return model.objects.filter(id__in=public.values("pk")).order_by("id")


class PublicDocumentUrlField(Field):
    """A document's public copy (``download_url``): never ``/documents/<id>/<name>``."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, document):
        url = public_document_url(document)
        return get_full_url(self.context["request"], url) if url else None


class PublicDocumentSerializer(BaseSerializer):
    download_url = PublicDocumentUrlField(read_only=True)


class NoSearchFilter(BaseFilterBackend):
    """``?search=`` is refused with a 400 where a search would read hidden fields."""

    def filter_queryset(self, request, queryset, view):
        if "search" in request.GET:
            raise BadRequestError("search is not available for images")
        return queryset


class SchoolImagesAPIViewSet(CheckedFindMixin, BaseAPIViewSet):
    """Only pictures a live, public page shows, as a parent sees them (issue 9).

    Listed only while the image has public copies and its consent clears it today.
    Each item has its public renditions, alt text and credit: never the staff
    title, tags, file name or the original (Wagtail's ``download_url``), and no
    search (it would read the staff title and tags).
    """

    base_serializer_class = ImageSerializer
    filter_backends = [NoSearchFilter, CheckedFieldsFilter, OrderingFilter]
    body_fields = ["id"]
    meta_fields = ["type", "detail_url"]
    listing_default_fields = ["id", "type", "detail_url", "alt", "credit", "thumbnail"]
    nested_default_fields = ["id", "type", "detail_url", "alt", "thumbnail"]
    name = "images"
    model = get_image_model()

    def get_queryset(self):
        return _public_only(self.model, request=self.request)


class SchoolDocumentsAPIViewSet(CheckedFindMixin, BaseAPIViewSet):
    """Only documents a live, public page links, at their public copies (issue 9).

    The title is kept: it is the link text parents read on the page. No tags, no
    file name, no ``/documents/<id>/<name>`` address.
    """

    base_serializer_class = PublicDocumentSerializer
    filter_backends = [CheckedFieldsFilter, OrderingFilter, WordsSearchFilter]
    body_fields = ["id", "title"]
    meta_fields = ["type", "detail_url", "download_url"]
    listing_default_fields = ["id", "type", "detail_url", "title", "download_url"]
    nested_default_fields = ["id", "type", "detail_url", "title", "download_url"]
    name = "documents"
    model = get_document_model()

    def get_queryset(self):
        return _public_only(self.model, request=self.request)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SchoolPagesAPIViewSet)
api_router.register_endpoint("images", SchoolImagesAPIViewSet)
api_router.register_endpoint("documents", SchoolDocumentsAPIViewSet)
