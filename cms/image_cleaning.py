"""Pictures as they leave the server: upright, and with no metadata at all.

A camera writes where and when a photo was taken, its serial number and a thumbnail
of the uncropped picture (EXIF, XMP, IPTC, maker notes). None of that may reach a
public URL or a social network (issue 9). The picture is turned upright first (the
EXIF orientation tag is about to go), then its pixels alone are written to a new
file: nothing from the original's headers is carried over except the colour profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

#: Pillow format -> (file extension, MIME type, save options).
OUTPUT_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 88, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "GIF": ("gif", "image/gif", {}),
    "WEBP": ("webp", "image/webp", {"quality": 85}),
}


@dataclass(frozen=True)
class CleanImage:
    """Image bytes with no metadata, and what a web server needs to know of them."""

    content: bytes
    extension: str
    mime_type: str
    width: int
    height: int


def image_clean(content: bytes, *, max_side: int | None = None) -> CleanImage:
    """Return ``content`` upright and stripped of EXIF, XMP, IPTC and comments.

    Args:
        content: the picture's bytes (an original or a rendition).
        max_side: if given, scale down (never up) to fit a square of this size.

    Animated pictures keep their first frame only: every frame would carry its own
    headers, and a school photo is never animated.
    """
    with Image.open(BytesIO(content)) as source:
        source_format = source.format if source.format in OUTPUT_FORMATS else "PNG"
        upright = ImageOps.exif_transpose(source)
        upright.load()
        if max_side is not None:
            upright.thumbnail((max_side, max_side))
        pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P":
            pixels.putpalette(upright.getpalette())
        options = dict(OUTPUT_FORMATS[source_format][2])
        if "transparency" in upright.info:
            options["transparency"] = upright.info["transparency"]
        if upright.info.get("icc_profile"):
            options["icc_profile"] = upright.info["icc_profile"]
    if source_format == "JPEG" and pixels.mode not in ("RGB", "L", "CMYK"):
        pixels = pixels.convert("RGB")
    output = BytesIO()
    pixels.save(output, source_format, **options)
    extension, mime_type, _ = OUTPUT_FORMATS[source_format]
    return CleanImage(
        content=output.getvalue(),
        extension=extension,
        mime_type=mime_type,
        width=pixels.width,
        height=pixels.height,
    )
