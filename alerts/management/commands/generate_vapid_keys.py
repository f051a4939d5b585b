"""Print a new VAPID key pair for web push, as lines for the environment."""

from django.core.management.base import BaseCommand

from alerts.push_keys import vapid_keys_generate


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for web push. Put both lines in the environment "
        "(with the other secrets) once: devices subscribed with one pair do not "
        "receive messages signed with another."
    )

    def handle(self, *args, **options):
        keys = vapid_keys_generate()
        self.stdout.write(f"ALERTS_PUSH_VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"ALERTS_PUSH_VAPID_PRIVATE_KEY={keys.private_key}")
