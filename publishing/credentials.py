"""Credentials at rest: Fernet tokens under keys from the environment (A3).

``SOCIAL_CREDENTIALS_KEY`` holds one or more Fernet keys separated by commas. The first
encrypts; all of them decrypt (MultiFernet), so a key is rotated by putting the new key
first, running ``manage.py rotate_social_credentials``, then dropping the old one.
Nothing here ever logs or returns a secret in an error message.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class CredentialsUnavailable(Exception):
    """The account's credentials are missing or cannot be decrypted.

    The message says what to do, in words, and never contains the secret.
    """


def _fernet() -> MultiFernet:
    raw = getattr(settings, "SOCIAL_CREDENTIALS_KEY", "") or ""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise CredentialsUnavailable(
            "SOCIAL_CREDENTIALS_KEY is not set, so social account credentials cannot "
            "be read or stored. Ask the administrator to set it and restart."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise CredentialsUnavailable(
            "SOCIAL_CREDENTIALS_KEY is not a valid Fernet key (32 url-safe base64 "
            "bytes). Ask the administrator to correct it and restart."
        ) from error


def credentials_encrypt(*, credentials: dict[str, str]) -> str:
    """Encrypt a credentials mapping for storage."""
    payload = json.dumps(credentials, sort_keys=True).encode()
    return _fernet().encrypt(payload).decode()


def credentials_decrypt(*, token: str) -> dict[str, str]:
    """Decrypt stored credentials, or raise CredentialsUnavailable saying why."""
    if not token:
        raise CredentialsUnavailable(
            "The account has no stored credentials: connect it (or paste its tokens)."
        )
    try:
        payload = _fernet().decrypt(token.encode())
    except InvalidToken as error:
        raise CredentialsUnavailable(
            "The stored credentials cannot be decrypted with SOCIAL_CREDENTIALS_KEY "
            "(the key was changed or lost): reconnect the account."
        ) from error
    return json.loads(payload)


def credentials_rotate(*, token: str) -> str:
    """Re-encrypt a stored token under the first (newest) key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise CredentialsUnavailable(
            "The stored credentials cannot be decrypted with any configured key."
        ) from error
