"""``manage.py refingerprint_pictures``: take every picture's fingerprints again."""

from django.core.management.base import BaseCommand

from moderation.consent.fingerprint_catch_up import pictures_refingerprint


class Command(BaseCommand):
    help = (
        "Take the perceptual hashes of every picture again with today's method "
        "(borders trimmed, every orientation), so mirrored or framed copies of "
        "pictures withdrawn earlier are recognised. Runs by itself after the "
        "upgrade that introduced it; run it if that upgrade's migrate was partial."
    )

    def handle(self, *args, **options):
        taken = pictures_refingerprint()
        self.stdout.write(f"Fingerprints of {taken} picture(s) taken again.")
