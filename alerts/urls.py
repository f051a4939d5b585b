"""Addresses of email updates, under /updates/ on each school's website."""

from django.urls import include, path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.sign_up, name="sign_up"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # The provider's tracking webhooks (bounces, complaints, deliveries): anymail's
    # views, e.g. /updates/email-provider/postmark/tracking/.
    path("email-provider/", include("anymail.urls")),
]
