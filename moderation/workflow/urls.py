from django.urls import path

from moderation.workflow.language_exception_views import record_language_exception
from moderation.workflow.views import ReviewPreviewView, ReviewView

app_name = "moderation_workflow"
urlpatterns = [
    path("review/<int:task_state_id>/", ReviewView.as_view(), name="review"),
    path(
        "review/<int:task_state_id>/preview/",
        ReviewPreviewView.as_view(),
        name="review_preview",
    ),
    path(
        "language-exception/<int:page_id>/",
        record_language_exception,
        name="language_exception",
    ),
]
