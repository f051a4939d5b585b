"""Uploads through the real admin forms: too big, too many pixels, not an image.

Each gets a clear form error and nothing is saved (no database row, no file on disk).
"""

import io
import os
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cms.models import SchoolDocument, SchoolImage
from tests.factories import UserFactory
from tests.twofactor import login_verified


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    login_verified(client, user)
    return client


def unique_name(extension: str) -> str:
    return f"upload-{uuid.uuid4().hex}.{extension}"


def png_bytes(width: int, height: int, *, mode: str = "RGB", noise=False) -> bytes:
    if noise:
        image = Image.frombytes(mode, (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new(mode, (width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0 if noise else 6)
    return buffer.getvalue()


def stored_files(name: str) -> list[str]:
    stem = name.rsplit(".", 1)[0]
    return [
        path
        for _, _, files in os.walk(settings.MEDIA_ROOT)
        for path in files
        if path.startswith(stem)
    ]


def upload_image(client, name: str, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Upload",
            "file": SimpleUploadedFile(name, content),
            "collection": "1",
        },
    )


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Upload",
            "file": SimpleUploadedFile(name, content),
            "collection": "1",
        },
    )


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(error) for error in form.errors.get("file", []))


def test_a_good_image_is_saved(admin_client):
    name = unique_name("png")

    response = upload_image(admin_client, name, png_bytes(800, 600))

    assert response.status_code == 302
    assert SchoolImage.objects.count() == 1
    assert stored_files(name)


def test_a_too_large_image_file_is_refused(admin_client):
    name = unique_name("png")
    content = png_bytes(2000, 2000, noise=True)
    assert len(content) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE

    response = upload_image(admin_client, name, content)

    assert response.status_code == 200
    assert "This file is too big" in form_errors(response)
    assert "10.0\xa0MB" in form_errors(response)
    assert SchoolImage.objects.count() == 0
    assert stored_files(name) == []


def test_an_image_with_too_many_pixels_is_refused(admin_client):
    name = unique_name("png")
    content = png_bytes(8000, 6000, mode="1")  # 48 million pixels, a small file
    assert len(content) < settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE

    response = upload_image(admin_client, name, content)

    assert response.status_code == 200
    assert "too many pixels" in form_errors(response)
    assert SchoolImage.objects.count() == 0
    assert stored_files(name) == []


@pytest.mark.parametrize("extension", ["png", "txt", "svg", "pdf"])
def test_a_file_that_is_not_an_image_is_refused(admin_client, extension):
    name = unique_name(extension)

    response = upload_image(admin_client, name, b"Dear parents, ...")

    assert response.status_code == 200
    assert "Upload a valid image" in form_errors(response)
    assert SchoolImage.objects.count() == 0
    assert stored_files(name) == []


def test_an_image_of_a_format_we_do_not_accept_is_refused(admin_client):
    name = unique_name("bmp")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, format="BMP")

    response = upload_image(admin_client, name, buffer.getvalue())

    assert response.status_code == 200
    assert "Not a supported image format" in form_errors(response)
    assert SchoolImage.objects.count() == 0
    assert stored_files(name) == []


def test_a_good_document_is_saved(admin_client):
    name = unique_name("pdf")

    response = upload_document(admin_client, name, b"%PDF-1.4 newsletter")

    assert response.status_code == 302
    assert SchoolDocument.objects.count() == 1


def test_a_too_large_document_is_refused(admin_client):
    name = unique_name("pdf")
    content = b"%PDF-1.4" + b"0" * settings.WAGTAILDOCS_MAX_UPLOAD_SIZE

    response = upload_document(admin_client, name, content)

    assert response.status_code == 200
    assert "This file is too big" in form_errors(response)
    assert "20.0\xa0MB" in form_errors(response)
    assert SchoolDocument.objects.count() == 0
    assert stored_files(name) == []


@pytest.mark.parametrize("extension", ["exe", "html", "js", "zip"])
def test_a_document_of_a_type_we_do_not_offer_is_refused(admin_client, extension):
    name = unique_name(extension)

    response = upload_document(admin_client, name, b"MZ...")

    assert response.status_code == 200
    assert "File extension" in form_errors(response)
    assert "is not allowed" in form_errors(response)
    assert SchoolDocument.objects.count() == 0
    assert stored_files(name) == []


def gif_bytes(width: int, height: int, *, frames: int) -> bytes:
    pictures = [Image.new("P", (width, height), index) for index in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=50
    )
    return buffer.getvalue()


def test_an_animated_gif_counts_the_pixels_of_every_frame(admin_client):
    name = unique_name("gif")
    content = gif_bytes(1000, 1000, frames=60)  # 60 million pixels in all
    assert len(content) < settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE

    response = upload_image(admin_client, name, content)

    assert response.status_code == 200
    assert "too many pixels" in form_errors(response)
    assert "60 frames" in form_errors(response)
    assert SchoolImage.objects.count() == 0
    assert stored_files(name) == []


def test_a_short_animated_gif_is_saved(admin_client):
    name = unique_name("gif")

    response = upload_image(admin_client, name, gif_bytes(400, 300, frames=10))

    assert response.status_code == 302
    assert SchoolImage.objects.count() == 1
