"""Fingerprints of a picture or file: who was pictured must never be forgotten (C1).

Two fingerprints per item: the SHA-256 of the bytes (the same file, exactly) and, for
pictures, a perceptual hash (``imagehash.phash``) that stays nearly the same when a
picture is resized, re-encoded, turned grey or lightly cropped. Moderation compares
them to spot a withdrawn or tagged picture uploaded again; the delivery ledger keeps
them for every social post.

Two trivial edits change a perceptual hash completely, so the picture is brought to
one form before hashing:

- **Borders** (a white frame, a black letterbox, any colour): uniform or nearly uniform
  lines (JPEG noise allowed) are trimmed from every side, again and again until none
  is left, so a framed copy and its original reach the same picture.
- **Mirroring and turning**: the hash is also taken of the picture in each of the 8
  ways a rectangle can be flipped or turned (mirrored, upside down, a quarter turn
  either way, and those mirrored). Comparing one picture's 8 hashes with the other's
  upright hash finds a mirrored, flipped or turned copy. Quarter turns are included
  because a copy re-saved without its orientation tag comes out on its side; the
  cost is 8 hashes of a 32×32 thumbnail per upload.

Out of reach: a heavy crop (a face cut out of a class photo), a collage or a picture
inside another picture, a strong colour filter, a redrawn or photographed-off-screen
copy. Those need a person's eye: pictures whose hashes are a little further apart than
"the same picture" (``LOOKALIKE_PICTURE_MAX_DISTANCE``) are put before the consent
officer rather than decided here.

The functions are pure (no models, no settings), for every caller that has a picture:
uploads, migrations, and pictures taken out of documents.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from typing import BinaryIO

import imagehash
import numpy
from PIL import Image, ImageOps, UnidentifiedImageError

#: Perceptual hashes this many bits apart (of 64) or fewer show the same picture.
SIMILAR_PICTURE_MAX_DISTANCE = 10
#: Up to this many bits apart, a picture looks like the other: a person decides.
LOOKALIKE_PICTURE_MAX_DISTANCE = 16

#: The picture is worked on at most this size: a hash needs 32×32 pixels.
_WORKING_SIZE = 512
#: A line is a border line when this share of its pixels is within ``_BORDER_TOLERANCE``
#: (per colour channel, of 255) of the colour of the outermost line on that side.
_BORDER_SHARE = 0.97
_BORDER_TOLERANCE = 24
#: Trimming never leaves less than this many pixels a side (a blank picture too).
_SMALLEST_CONTENT = 8
_TRIM_PASSES = 4
_HASH_SIZE = 32  # what imagehash.phash reduces a picture to (hash_size 8, factor 4)

#: The 8 ways to flip or turn a picture; None is the picture as it is (first).
ORIENTATIONS: tuple[Image.Transpose | None, ...] = (
    None,
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)


class Likeness(enum.Enum):
    """How alike two pictures are, by the closest of their perceptual hashes."""

    SAME = "same"
    LOOKALIKE = "lookalike"
    DIFFERENT = "different"


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
    match, and uniform borders are trimmed, so a framed copy matches its original.
    """
    hashes = perceptual_hashes_of(handle)
    return hashes[0] if hashes else ""


def perceptual_hashes_of(handle: BinaryIO) -> tuple[str, ...]:
    """The picture's perceptual hash in each of ``ORIENTATIONS``; () if no picture.

    The first is ``perceptual_hash_of``. Compare them all with another picture's
    upright hash (``picture_likeness``) to find a mirrored or turned copy.
    """
    handle.seek(0)
    try:
        with Image.open(handle) as opened:
            opened.draft("RGB", (_WORKING_SIZE, _WORKING_SIZE))  # JPEG: decode small
            picture = ImageOps.exif_transpose(opened)
            hashes = perceptual_hashes_of_picture(picture)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        hashes = ()
    handle.seek(0)
    return hashes


def perceptual_hashes_of_picture(picture: Image.Image) -> tuple[str, ...]:
    """``perceptual_hashes_of`` for a picture already open (e.g. taken from a PDF).

    The picture should be upright as people see it (EXIF orientation applied).
    """
    working = picture.convert("RGB")
    working.thumbnail((_WORKING_SIZE, _WORKING_SIZE), Image.Resampling.LANCZOS)
    small = (
        trim_uniform_borders(working)
        .convert("L")
        .resize((_HASH_SIZE, _HASH_SIZE), Image.Resampling.LANCZOS)
    )
    return tuple(
        str(imagehash.phash(small if turn is None else small.transpose(turn)))
        for turn in ORIENTATIONS
    )


def trim_uniform_borders(picture: Image.Image) -> Image.Image:
    """The picture without its uniform or nearly uniform borders, of any colour.

    Trims again until nothing is left to trim, so trimming a trimmed picture changes
    nothing: a framed copy and its original end up the same whatever the frame.
    """
    for _ in range(_TRIM_PASSES):
        box = _content_box(numpy.asarray(picture.convert("RGB"), dtype=numpy.int16))
        if box == (0, 0, picture.width, picture.height):
            break
        picture = picture.crop(box)
    return picture


def _content_box(pixels: numpy.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) inside the border lines of each side."""
    height, width = pixels.shape[:2]
    top = _border_lines(pixels, limit=height - _SMALLEST_CONTENT)
    bottom = _border_lines(pixels[::-1], limit=height - _SMALLEST_CONTENT - top)
    columns = pixels.transpose(1, 0, 2)
    left = _border_lines(columns, limit=width - _SMALLEST_CONTENT)
    right = _border_lines(columns[::-1], limit=width - _SMALLEST_CONTENT - left)
    return left, top, width - right, height - bottom


def _border_lines(lines: numpy.ndarray, *, limit: int) -> int:
    """How many lines from the start are the colour of the first line, nearly."""
    if limit <= 0:
        return 0
    colour = numpy.median(lines[0], axis=0)
    close = (numpy.abs(lines[:limit] - colour) <= _BORDER_TOLERANCE).all(axis=2)
    is_border = close.mean(axis=1) >= _BORDER_SHARE
    if not is_border[0]:
        return 0
    outside = numpy.flatnonzero(~is_border)
    return int(outside[0]) if outside.size else limit


def perceptual_distance(first: str, second: str) -> int | None:
    """How many bits two perceptual hashes differ by; None if either is missing."""
    if not first or not second:
        return None
    return (int(first, 16) ^ int(second, 16)).bit_count()


def closest_distance(hashes: Iterable[str], other: str) -> int | None:
    """The smallest distance between any of ``hashes`` and ``other``; None if none."""
    distances = [
        distance
        for distance in (perceptual_distance(value, other) for value in hashes)
        if distance is not None
    ]
    return min(distances, default=None)


def same_picture(first: str, second: str) -> bool:
    """True when two perceptual hashes show the same picture (resized or re-encoded)."""
    distance = perceptual_distance(first, second)
    return distance is not None and distance <= SIMILAR_PICTURE_MAX_DISTANCE


def picture_likeness(hashes: Iterable[str] | str, other: str) -> Likeness:
    """How alike a picture (its hashes in every orientation) is to another's hash.

    Args:
        hashes: ``perceptual_hashes_of`` one picture (or just its upright hash).
        other: the other picture's upright hash (``perceptual_hash_of``).
    """
    distance = closest_distance([hashes] if isinstance(hashes, str) else hashes, other)
    if distance is None or distance > LOOKALIKE_PICTURE_MAX_DISTANCE:
        return Likeness.DIFFERENT
    if distance <= SIMILAR_PICTURE_MAX_DISTANCE:
        return Likeness.SAME
    return Likeness.LOOKALIKE
