from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """Which schools exist, which trust runs them, and who works in each.

    A base app: it imports only Django and Wagtail, and every other app may import it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from . import signal_handlers
        from .settings_permissions import school_settings_policies_register

        signal_handlers.register()
        school_settings_policies_register()
