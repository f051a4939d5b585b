"""Two-factor pages, mounted under /admin/two-factor/ by ``wagtail_hooks``."""

from django.urls import path

from . import views

app_name = "two_factor"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("step-up/", views.step_up, name="step_up"),
    path("devices/", views.devices, name="devices"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:user_id>/reset/", views.reset, name="reset"),
    path("log/", views.report, name="report"),
]
