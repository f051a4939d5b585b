"""Test pictures with camera metadata, and fetching URLs as nginx + Django would.

``photo_with_camera_metadata`` builds a JPEG 200x100 (left half red, right half
blue) whose EXIF says "rotate 90° clockwise to display" (orientation 6), with a GPS
position, a camera make, model and serial number and an XMP packet: shown upright
it is 100 wide and 200 tall, red on top.

``fetch_anonymously`` answers a URL as production does: nginx serves only the
public copies (``PUBLIC_MEDIA_URL`` from the ``public_media`` storage), and every
other path goes to Django.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.storage import storages
from django.test import Client
from PIL import Image

ORIENTATION = 0x0112
MAKE, MODEL, BODY_SERIAL = 0x010F, 0x0110, 0xA431
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
    b'1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject>Amelia Jones'
    b"</dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def photo_with_camera_metadata(*, other_picture: bool = False) -> bytes:
    """A phone photo with GPS and camera data. ``other_picture`` adds white stripes
    along the top: a different picture, not a copy (the same picture uploaded twice
    is recognised as a copy and keeps the first one's tags)."""
    picture = Image.new("RGB", (200, 100), "blue")
    picture.paste((255, 0, 0), (0, 0, 100, 100))
    if other_picture:
        for left in range(0, 200, 20):
            picture.paste((255, 255, 255), (left, 0, left + 10, 50))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Phone 15"
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-123456"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    gps[3], gps[4] = "W", (3.0, 10.0, 4.0)
    output = BytesIO()
    picture.save(output, "JPEG", exif=exif, xmp=XMP, quality=95)
    content = output.getvalue()
    assert Image.open(BytesIO(content)).getexif().get_ifd(GPS_IFD)  # the control
    return content


def assert_clean_and_upright(content: bytes) -> None:
    """No EXIF, XMP, IPTC or comment; red on top (the orientation was applied)."""
    picture = Image.open(BytesIO(content))
    assert dict(picture.getexif()) == {}
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"} & set(
        picture.info
    )
    assert b"Amelia" not in content and b"SN-123456" not in content
    # Upright: red above blue. Left on its side, the top and bottom middle would
    # be the same colour (red left, blue right), cropped or not.
    rgb = picture.convert("RGB")
    top = rgb.getpixel((picture.width // 2, picture.height // 8))
    bottom = rgb.getpixel((picture.width // 2, picture.height * 7 // 8))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def fetch_anonymously(url: str) -> tuple[int, bytes]:
    """(status, body) of ``url`` for a visitor: the public copies, or Django."""
    path = url.removeprefix(settings.WAGTAILAPI_BASE_URL)
    if path.startswith(settings.PUBLIC_MEDIA_URL):
        storage = storages["public_media"]
        name = path.removeprefix(settings.PUBLIC_MEDIA_URL)
        if not storage.exists(name):
            return 404, b""
        with storage.open(name, "rb") as handle:
            return 200, handle.read()
    response = Client().get(path)
    body = b"".join(response) if response.streaming else response.content
    return response.status_code, body
