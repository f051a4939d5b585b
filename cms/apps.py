from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Content"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, signal_handlers  # noqa: F401  (checks registers)
        from .caching import signal_handlers as cache_signal_handlers
        from .statutory.catalogue import requirements_sync_after_migrate

        post_migrate.connect(
            requirements_sync_after_migrate,
            sender=self,
            dispatch_uid="cms.statutory.requirements_sync",
        )
        signal_handlers.register()
        cache_signal_handlers.register()
