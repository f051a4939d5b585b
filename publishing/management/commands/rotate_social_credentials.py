"""Re-encrypt every stored social credential under the newest key (A3).

Rotation: put the new Fernet key first in SOCIAL_CREDENTIALS_KEY (comma-separated,
the old key after it), restart, run this, then remove the old key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from publishing.credentials import CredentialsUnavailable, credentials_rotate
from publishing.models import SocialAccount
from publishing.services.accounts import account_hold


class Command(BaseCommand):
    help = "Re-encrypt social account credentials under the first configured key."

    def handle(self, *args, **options):
        rotated = held = 0
        for account in SocialAccount.objects.exclude(credentials_encrypted=""):
            try:
                token = credentials_rotate(token=account.credentials_encrypted)
            except CredentialsUnavailable as error:
                account_hold(account=account, reason=str(error))
                self.stdout.write(f"{account}: held, {error}")
                held += 1
                continue
            SocialAccount.objects.filter(pk=account.pk).update(
                credentials_encrypted=token
            )
            rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} account(s); {held} held.")
