from django.urls import path

from . import views

app_name = "staff_roles"

urlpatterns = [
    path("", views.role_requests, name="requests"),
    path(
        "<int:pk>/<str:decision>/",
        views.role_request_decide,
        name="decide",
    ),
]
