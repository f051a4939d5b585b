"""Fingerprints of a picture or file: who was pictured must never be forgotten (C1).

Two fingerprints per item: the SHA-256 of the bytes (the same file, exactly) and, for
pictures, a perceptual hash (``imagehash.phash``) that stays nearly the same when a
picture is resized, re-encoded or lightly edited. Moderation compares them to spot a
withdrawn or tagged picture uploaded again; the delivery ledger keeps them for every
social post.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

#: Perceptual hashes this many bits apart (of 64) or fewer show the same picture.
SIMILAR_PICTURE_MAX_DISTANCE = 10


def sha256_of(handle: BinaryIO) -> str:
    """The SHA-256 of a file's bytes, read in chunks from its start."""
    handle.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def perceptual_hash_of(handle: BinaryIO) -> str:
    """The picture's 64-bit perceptual hash as 16 hex digits; "" if not a picture.

    The EXIF orientation is applied first, so a photo and its rotated-on-save copy
    match.
    """
    handle.seek(0)
    try:
        with Image.open(handle) as picture:
            picture = ImageOps.exif_transpose(picture)
            value = str(imagehash.phash(picture))
    except (UnidentifiedImageError, OSError, ValueError):
        value = ""
    handle.seek(0)
    return value


def perceptual_distance(first: str, second: str) -> int | None:
    """How many bits two perceptual hashes differ by; None if either is missing."""
    if not first or not second:
        return None
    return (int(first, 16) ^ int(second, 16)).bit_count()


def same_picture(first: str, second: str) -> bool:
    """True when two perceptual hashes show the same picture (resized or re-encoded)."""
    distance = perceptual_distance(first, second)
    return distance is not None and distance <= SIMILAR_PICTURE_MAX_DISTANCE
