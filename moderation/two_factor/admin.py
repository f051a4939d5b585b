"""Keep django-otp's device models, staff and groups out of Django's admin
(``/admin/django/``).

django-otp registers its devices there, which showed authenticator secrets and
backup codes to superusers and let them add a device to another person's account
with no entry in the sign-in log. Second factors are managed only through the
two-factor pages, which log every change; nobody reads or edits them here.
"""

from django.apps import apps
from django.contrib import admin


def _unregister_device_models() -> None:
    for app_label in ("otp_totp", "otp_static", "otp_email", "otp_hotp"):
        if not apps.is_installed(f"django_otp.plugins.{app_label}"):
            continue
        for model in apps.get_app_config(app_label).get_models():
            if admin.site.is_registered(model):
                admin.site.unregister(model)


_unregister_device_models()


def _unregister_staff_and_roles() -> None:
    """Staff and roles are managed only in Wagtail's screens, which guard the roles
    that open safeguarding information or approve publication (issue 21); Django's
    admin here serves the job-queue dashboard's links only."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    for model in (get_user_model(), Group):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_staff_and_roles()
