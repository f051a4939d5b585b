from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signal_handlers
        from .consent import fingerprint_catch_up, upgrade_catch_up

        signal_handlers.register()
        # Work a migration must not do with today's code (moderation 0007).
        post_migrate.connect(
            upgrade_catch_up.after_migrate,
            sender=self,
            dispatch_uid="moderation.media_catch_up",
        )
        # Picture fingerprints taken again with today's code (cms 0013).
        post_migrate.connect(
            fingerprint_catch_up.after_migrate,
            sender=self,
            dispatch_uid="moderation.fingerprint_catch_up",
        )
