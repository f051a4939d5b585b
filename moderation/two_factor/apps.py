from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation.two_factor"
    label = "two_factor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
