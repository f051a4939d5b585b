"""Plain image data for the adapter tests."""

import io

import pytest
from PIL import Image

from publishing.networks.base import ImageFile


def png_bytes(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def sports_day_photo() -> ImageFile:
    return ImageFile(
        content=png_bytes(),
        filename="sports-day.png",
        mime_type="image/png",
        alt_text="The finish line on sports day",
    )
