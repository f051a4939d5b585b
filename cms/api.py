"""The public, read-only headless API (Wagtail API v2) for apps and signage."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet


class SchoolImagesAPIViewSet(ImagesAPIViewSet):
    """Only images that say who is in them and whose consent stands (C1, C2)."""

    def get_queryset(self):
        return super().get_queryset().publishable()


class SchoolDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Only documents that say who is in them and whose consent stands (C1, C2)."""

    def get_queryset(self):
        return super().get_queryset().publishable()


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", SchoolImagesAPIViewSet)
api_router.register_endpoint("documents", SchoolDocumentsAPIViewSet)
