"""Pictures as they leave the server: upright, and with no metadata at all.

A camera writes where and when a photo was taken, its serial number and a thumbnail
of the uncropped picture (EXIF, XMP, IPTC, maker notes). None of that may reach a
public URL or a social network (issue 9). The picture is turned upright first (the
EXIF orientation tag is about to go), then its pixels alone are written to a new
file: nothing from the original's headers is carried over except the colour profile.

An animation (GIF, WebP or PNG) keeps every frame and its timing: each frame's
pixels are copied into a new picture and the frames written as a new animation, so
comments and application blocks in the original are left behind (issue 22).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, ImageSequence

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


#: (left, top, right, bottom) of the source to keep, and the size to scale it to.
Region = tuple[tuple[int, int, int, int], tuple[int, int]]


def is_animated(content: bytes) -> bool:
    """Whether the picture has more than one frame (an animated GIF, WebP or PNG)."""
    with Image.open(BytesIO(content)) as picture:
        return getattr(picture, "n_frames", 1) > 1


def image_clean(
    content: bytes, *, max_side: int | None = None, region: Region | None = None
) -> CleanImage:
    """Return ``content`` upright and stripped of EXIF, XMP, IPTC and comments.

    Args:
        content: the picture's bytes (an original or a rendition).
        max_side: if given, scale down (never up) to fit a square of this size.
        region: if given, crop to its box and scale to its size (a rendition of an
            animation, which Wagtail's renditions would flatten to one frame).
    """
    if is_animated(content):
        return _animation_clean(content, max_side=max_side, region=region)
    with Image.open(BytesIO(content)) as source:
        source_format = source.format if source.format in OUTPUT_FORMATS else "PNG"
        upright = ImageOps.exif_transpose(source)
        upright.load()
        if region is not None:
            upright = upright.crop(region[0]).resize(region[1])
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


def _animation_clean(
    content: bytes, *, max_side: int | None, region: Region | None
) -> CleanImage:
    """Every frame re-encoded with its timing; nothing else from the original."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    with Image.open(BytesIO(content)) as source:
        source_format = source.format if source.format in OUTPUT_FORMATS else "PNG"
        if source_format == "JPEG":  # a multi-picture JPEG: no animation format
            source_format = "GIF"
        loop = source.info.get("loop", 0)
        for frame in ImageSequence.Iterator(source):
            durations.append(int(frame.info.get("duration", 100)))
            pixels = frame.convert("RGBA")
            if region is not None:
                pixels = pixels.crop(region[0]).resize(region[1])
            if max_side is not None:
                pixels.thumbnail((max_side, max_side))
            frames.append(Image.frombytes("RGBA", pixels.size, pixels.tobytes()))
    output = BytesIO()
    frames[0].save(
        output,
        source_format,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=loop,
        disposal=2,  # each frame drawn afresh: frames were flattened above
    )
    extension, mime_type, _ = OUTPUT_FORMATS[source_format]
    return CleanImage(
        content=output.getvalue(),
        extension=extension,
        mime_type=mime_type,
        width=frames[0].width,
        height=frames[0].height,
    )
