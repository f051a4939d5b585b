"""A photo as a phone camera sends it: large, detailed, with a GPS position."""

from __future__ import annotations

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageFilter

from tests.media_files import GPS_IFD


def camera_photo(name: str = "IMG_0042.jpg", *, width: int = 1600) -> ContentFile:
    """A detailed 16:10 JPEG (noise, so its size is a real photo's), with EXIF GPS."""
    height = width * 10 // 16
    grain = Image.effect_noise((width, height), 60).filter(
        ImageFilter.GaussianBlur(0.9)
    )
    picture = Image.merge(
        "RGB",
        (grain, grain.rotate(180), grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    )
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[1] = "N"
    output = BytesIO()
    picture.save(output, "JPEG", quality=90, exif=exif)
    return ContentFile(output.getvalue(), name=name)
