from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publishing"
    verbose_name = "Social publishing"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
