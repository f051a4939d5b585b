"""The statutory-information admin URLs (mounted by ``cms.wagtail_hooks``)."""

from django.urls import path

from .views import (
    ChecklistCsvView,
    ChecklistView,
    ItemView,
    PrintableChecklistView,
    ReviewedTodayView,
)

urlpatterns = [
    path("", ChecklistView.as_view(), name="cms_statutory_checklist"),
    path("export.csv", ChecklistCsvView.as_view(), name="cms_statutory_csv"),
    path("print/", PrintableChecklistView.as_view(), name="cms_statutory_print"),
    path("<slug:key>/", ItemView.as_view(), name="cms_statutory_item"),
    path(
        "<slug:key>/reviewed/",
        ReviewedTodayView.as_view(),
        name="cms_statutory_reviewed",
    ),
]
