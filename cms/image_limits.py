"""The pixel limit for uploads, counted over every frame of an animation.

Wagtail's own check (``WAGTAILIMAGES_MAX_IMAGE_PIXELS``) asks Willow how many frames an
image has, and Willow's Pillow plugin always answers one: a 60-frame 1000×1000 GIF (60
million pixels to decode for every rendition) passed a 40 million limit. Pillow itself
knows the frame count, so the check is made again here with it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, UnidentifiedImageError


def image_pixels_check(file: File) -> None:
    """Refuse an image whose frames hold more pixels in all than the limit.

    Args:
        file: the uploaded file (read from the start, left at the start).

    Raises:
        ValidationError: saying how many frames and pixels, and the limit.
    """
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)
    if limit is None or file is None:
        return
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return  # Wagtail's own checks have already refused a file it cannot read.
    finally:
        file.seek(0)
    total = width * height * frames
    if frames > 1 and total > limit:
        raise ValidationError(
            "This animation has too many pixels: %(frames)d frames of "
            "%(width)d×%(height)d make %(total)s pixels, and the most an image may "
            "have is %(limit)s. Use fewer frames or a smaller picture.",
            code="file_too_many_pixels",
            params={
                "frames": frames,
                "width": width,
                "height": height,
                "total": f"{total:,}",
                "limit": f"{limit:,}",
            },
        )
