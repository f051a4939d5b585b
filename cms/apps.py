from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import checks, signal_handlers  # noqa: F401  (checks registers)
        from .caching import signal_handlers as cache_signal_handlers

        signal_handlers.register()
        cache_signal_handlers.register()
