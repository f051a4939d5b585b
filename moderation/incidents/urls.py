"""Incident and takedown URLs, mounted under /admin/incidents/ by wagtail_hooks."""

from django.urls import path

from . import takedown_views, views

incident_patterns = (
    [
        path("", views.IncidentIndexView.as_view(), name="index"),
        path("report/", views.IncidentReportView.as_view(), name="add"),
        path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail"),
        path(
            "<int:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence_add"
        ),
        path(
            "<int:pk>/evidence/<int:evidence_id>/",
            views.EvidenceOpenView.as_view(),
            name="evidence_open",
        ),
        path("<int:pk>/export/", views.ExportView.as_view(), name="export"),
    ],
    "incidents",
)

takedown_patterns = (
    [
        path("", takedown_views.TakedownIndexView.as_view(), name="index"),
        path("record/", takedown_views.TakedownCreateView.as_view(), name="add"),
        path("<int:pk>/", takedown_views.TakedownDetailView.as_view(), name="detail"),
    ],
    "takedowns",
)
