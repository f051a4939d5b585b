from django.urls import path

from moderation.workflow.views import ReviewView

app_name = "moderation_workflow"
urlpatterns = [
    path("review/<int:task_state_id>/", ReviewView.as_view(), name="review"),
]
