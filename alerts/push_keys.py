"""The school's VAPID key pair (RFC 8292): who push services know our messages by.

The keys come from the environment (``ALERTS_PUSH_VAPID_PUBLIC_KEY`` and
``ALERTS_PUSH_VAPID_PRIVATE_KEY``); ``manage.py generate_vapid_keys`` makes a pair.
Browsers tie each subscription to the public key, so changing the pair means every
device must subscribe again: make it once, keep it with the other secrets.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; raises ValueError on anything else."""
    if not isinstance(text, str) or not text:
        raise ValueError("empty")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from error


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # base64url of the uncompressed P-256 point (the browser's form)
    private_key: str  # base64url of the 32-byte private number (pywebpush's "raw")


def vapid_keys_generate() -> VapidKeys:
    """A new P-256 key pair in the forms browsers and pywebpush take."""
    private = ec.generate_private_key(ec.SECP256R1())
    number = private.private_numbers().private_value.to_bytes(32, "big")
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(public_key=b64url(point), private_key=b64url(number))


def push_enabled() -> bool:
    """Web push is offered only when the school has its key pair."""
    return bool(
        settings.ALERTS_PUSH_VAPID_PUBLIC_KEY and settings.ALERTS_PUSH_VAPID_PRIVATE_KEY
    )
