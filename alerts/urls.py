"""Addresses of email updates and device notifications, under /updates/ on each
school's website."""

from django.urls import include, path

from . import views, views_push

app_name = "alerts"

urlpatterns = [
    path("", views.sign_up, name="sign_up"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("device/", views_push.device, name="device"),
    path(
        "device/subscribe/", views_push.device_subscribe_view, name="device_subscribe"
    ),
    path(
        "device/unsubscribe/",
        views_push.device_unsubscribe_view,
        name="device_unsubscribe",
    ),
    path("device/service-worker.js", views_push.service_worker, name="service_worker"),
    path("device/manifest.webmanifest", views_push.manifest, name="manifest"),
    # The provider's tracking webhooks (bounces, complaints, deliveries): anymail's
    # views, e.g. /updates/email-provider/postmark/tracking/.
    path("email-provider/", include("anymail.urls")),
]
