"""Backup codes are kept only as salted, slow hashes (ASVS V6.5.2).

A backup code is 8 characters (40 bits): too few for a plain hash, so each one is
stored as PBKDF2-SHA256 with its own random salt, like a password. Checking a typed
code means trying it against each unused code (at most ten), so the iteration count
is lower than Django's password hasher's: ``OTP_BACKUP_CODE_HASH_ITERATIONS``
(default 100,000, about half a second for ten codes at worst).
"""

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django_otp.plugins.otp_static.models import StaticToken

DEFAULT_ITERATIONS = 100_000
_hasher = PBKDF2PasswordHasher()


def _iterations() -> int:
    return int(getattr(settings, "OTP_BACKUP_CODE_HASH_ITERATIONS", DEFAULT_ITERATIONS))


def backup_code_new() -> str:
    """A new random code, in django-otp's format (8 lower-case base32 characters)."""
    return StaticToken.random_token()


def backup_code_hash(code: str) -> str:
    """The stored form of ``code``: ``pbkdf2_sha256$iterations$salt$hash``."""
    return _hasher.encode(code, _hasher.salt(), iterations=_iterations())


def backup_code_matches(code: str, stored: str) -> bool:
    """Whether ``code`` is the one hashed in ``stored`` (constant-time compare)."""
    return _hasher.verify(code, stored)
